// A real Ficus, started in-process (startFicus, as `ficus start` does) on 127.0.0.1 port 0 with a
// SQLite store, its own routes/ and flags/ in a temp dir, every corpus route in shadow mode. The
// benchmark talks to it only over HTTP (proxy and admin API), plus flush(), which writes buffered
// evidence now instead of within the second, so each measurement is attributed to its request.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createAdminClient, type AdminClient } from '../../../src/cli/admin-client.ts';
import { flagForMode } from '../../../src/decision/flag-shape.ts';
import { startFicus, type Ficus } from '../../../src/ficus.ts';
import { flagOf, upstreamsYaml } from './route-config.ts';
import type { RouteSpec } from './route-spec.ts';

const TOKEN = 'bench-evidence-operator';

export interface BenchFicus {
  readonly ficus: Ficus;
  readonly proxyUrl: string;
  readonly admin: AdminClient;
  /** Rewrites routes/routes.yaml and resolves once Ficus serves it (rejects if Ficus refused it). */
  writeRoutes(yaml: string): Promise<void>;
  close(): Promise<void>;
}

export async function startBenchFicus(options: { routes: readonly RouteSpec[]; routesYaml: string; legacyUrl: string; newUrl: string }): Promise<BenchFicus> {
  const root = mkdtempSync(join(tmpdir(), 'ficus-evidence-'));
  const dirs = { routesDir: join(root, 'routes'), flagsDir: join(root, 'flags'), dataDir: join(root, 'data') };
  for (const dir of Object.values(dirs)) mkdirSync(dir);
  writeFileSync(join(dirs.routesDir, 'upstreams.yaml'), upstreamsYaml(options.legacyUrl, options.newUrl));
  writeFileSync(join(dirs.routesDir, 'routes.yaml'), options.routesYaml);
  const features = options.routes.map((spec) => flagForMode(flagOf(spec), 'shadow', 0));
  writeFileSync(join(dirs.flagsDir, 'features.json'), JSON.stringify({ version: 2, features }, null, 2));

  const problems: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.includes('routes-reload-failed')) problems.push(line);
      done();
    },
  });
  const ficus = await startFicus({
    port: 0, host: '127.0.0.1', adminPort: 0, adminHost: '127.0.0.1', ...dirs,
    databaseUrl: `sqlite:${join(dirs.dataDir, 'ficus.db')}`, upstreamUrls: {}, adminToken: TOKEN, adminTokensFile: undefined,
    diffKey: 'bench-evidence-diff-key-0123456789abcdef', unleash: undefined, killSwitch: false, trustedProxies: [], stickySalt: 'bench',
    tls: undefined, drainMs: 1_000, demo: false, logLevel: 'warn', accessLog: false, differenceRetentionDays: 30, auditRetentionYears: 6,
  }, { log: pino({ level: 'warn' }, sink) });

  return {
    ficus,
    proxyUrl: ficus.proxyUrl,
    admin: createAdminClient({ url: ficus.adminUrl, token: TOKEN }),
    async writeRoutes(yaml) {
      const before = ficus.routes().hash;
      const refusals = problems.length;
      writeFileSync(join(dirs.routesDir, 'routes.yaml'), yaml);
      const deadline = Date.now() + 10_000;
      while (ficus.routes().hash === before) {
        if (problems.length > refusals) throw new Error(`Ficus refused the accepted rules: ${problems.at(-1)}`);
        if (Date.now() > deadline) throw new Error('Ficus did not reload the route file within 10 s');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await ficus.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
