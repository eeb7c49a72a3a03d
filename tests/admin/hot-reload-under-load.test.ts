// Hot reload under load: 20 keep-alive clients send requests continuously while routes/ and flags/
// are rewritten over and over (by hand and through the write API). Not one request may fail.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTES, flagsFileText } from '../support/ficus/config-files.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { waitFor } from '../support/wait-for.ts';

let h: TestFicus;
beforeAll(async () => {
  h = await startTestFicus({ settings: { accessLog: false, logLevel: 'warn' } });
});
afterAll(() => h?.close());

// A real change to the table (regression: this edit used to break the YAML flow map, so every
// "reload" under load was refused and the old table simply stayed; the outcome is now asserted).
const ALT_ROUTES = DEFAULT_ROUTES.replace('    flag: ficus.open\n', '    flag: ficus.open\n    description: reloaded\n');

describe('hot reload under load', () => {
  it('serves every request while routes and flags are rewritten repeatedly', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const paths = ['/items/pat-1', '/search?patient=pat-2', '/open/x', '/unmatched'];
    const client = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const path = paths[(n + i) % paths.length]!;
        await new Promise<void>((resolve) => {
          const req = http.get(`${h.proxyUrl}${path}`, { agent }, (res) => {
            res.resume();
            res.on('end', () => {
              if (res.statusCode === 200) ok++;
              else failures.push(`${path}: ${res.statusCode}`);
              resolve();
            });
          });
          req.on('error', (error) => {
            failures.push(`${path}: ${error.message}`);
            resolve();
          });
        });
      }
    };
    const clients = Array.from({ length: 20 }, (_, n) => client(n));
    const modes = ['shadow', 'canary', 'new', 'legacy'] as const;
    try {
      for (let round = 0; round < 8; round++) {
        expect(await h.writeRoutes(round % 2 ? DEFAULT_ROUTES : ALT_ROUTES)).toBe('reloaded');
        writeFileSync(join(h.flagsDir, 'features.json'), flagsFileText({ 'ficus.items': { mode: modes[round % 4]!, percent: 30 }, 'ficus.search': { mode: 'canary', percent: round * 10 }, 'ficus.open': { mode: 'legacy' } }));
        const res = await fetch(`${h.adminUrl}/api/routes/open/mode`, {
          method: 'PUT', headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
          body: JSON.stringify(round % 2 ? { mode: 'legacy', reason: `round ${round}` } : { mode: 'canary', percent: 20, reason: `round ${round}` }),
        });
        expect(res.status).toBe(200);
        // A round lasts as long as 20 more answers take (counted, not timed), so every reload meets traffic.
        const answered = ok + failures.length;
        await waitFor(() => ok + failures.length >= answered + 20, 10_000, 'a round of traffic');
      }
    } finally {
      // Clients stop even when a round fails, so none outlives this Ficus.
      stop = true;
      await Promise.all(clients);
      agent.destroy();
    }
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(100);
  });
});
