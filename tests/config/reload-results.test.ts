// Ficus announces every routes/ reload with its result, so callers (tests, tooling) wait on the
// event instead of re-hashing the folder: reloaded, refused with the error, or unchanged.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTES } from '../support/ficus/config-files.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';

describe('routes/ reload results', () => {
  let h: TestFicus | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const write = (text: string) => writeFileSync(join(h!.routesDir, 'routes.yaml'), text);

  it('announces a reload with the new hash, a refused edit with its error, and the undo of a bad edit as unchanged', async () => {
    h = await startTestFicus();
    const seen: string[] = [];
    const off = h.ficus.onReload((result) => seen.push(result.outcome));
    const before = h.ficus.routes().hash;

    let next = h.ficus.nextReload();
    write(DEFAULT_ROUTES.replace('ficus.search', 'ficus.search2'));
    const reloaded = await next;
    expect(reloaded).toMatchObject({ outcome: 'reloaded', routes: 3 });
    expect(reloaded.outcome === 'reloaded' && reloaded.hash).toBe(h.ficus.routes().hash);
    expect(h.ficus.routes().hash).not.toBe(before);
    const inForce = h.ficus.routes().hash;

    next = h.ficus.nextReload();
    write('routes:\n  - id: broken\n    match: { path: /x }\n');
    const refused = await next;
    expect(refused.outcome).toBe('refused');
    expect(refused.outcome === 'refused' && refused.error).toMatch(/routes\.yaml/);
    expect(h.ficus.routes().hash).toBe(inForce);

    next = h.ficus.nextReload();
    write(DEFAULT_ROUTES.replace('ficus.search', 'ficus.search2'));
    expect(await next).toEqual({ outcome: 'unchanged', hash: inForce });

    off();
    expect(seen).toEqual(['reloaded', 'refused', 'unchanged']);
  });
});
