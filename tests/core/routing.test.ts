// ROUTING: the mode a request gets comes from its route's flag, through the real decision path
// (loadRoutes → compileRouteTable → file flag source → decide) and end to end over HTTP.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadRoutes } from '../../src/config/load-routes.ts';
import { decide } from '../../src/decision/decide.ts';
import { createFileFlagSource, type FileFlagSource } from '../../src/decision/file-flag-source.ts';
import { compileRouteTable, type CompiledRoute } from '../../src/routing/route-table.ts';
import { createStickyHasher } from '../../src/routing/sticky-key.ts';
import { DEFAULT_ROUTES, flagsFileText, upstreamsYaml, type FlagSpec } from '../support/ficus/config-files.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';

const KEYS = Array.from({ length: 10_000 }, (_, i) => `pat-${String(i).padStart(5, '0')}`);
const hash = createStickyHasher('routing-test-salt');

describe('routing: decide() with a real file flag source', () => {
  let dir: string;
  let flags: FileFlagSource;
  let items: CompiledRoute;
  const writeFlags = async (spec: Record<string, FlagSpec>) => {
    writeFileSync(join(dir, 'flags', 'features.json'), flagsFileText(spec));
    await flags.reload();
  };
  const sideOf = (key: string | undefined, route = items) => decide(flags, { route, stickyHash: key === undefined ? undefined : hash(key), killSwitch: false });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ficus-routing-'));
    mkdirSync(join(dir, 'routes'));
    mkdirSync(join(dir, 'flags'));
    writeFileSync(join(dir, 'routes', 'upstreams.yaml'), upstreamsYaml({ legacy: { url: 'http://127.0.0.1:9' }, next: { url: 'http://127.0.0.1:9' } }));
    writeFileSync(join(dir, 'routes', 'routes.yaml'), `${DEFAULT_ROUTES}  - id: flagless\n    match: { path: /flagless/:id }\n    new: next\n    flag: ficus.not-in-any-file\n    stickiness: { path: id }\n`);
    writeFileSync(join(dir, 'flags', 'features.json'), flagsFileText({ 'ficus.items': { mode: 'legacy' } }));
    const table = compileRouteTable((await loadRoutes(join(dir, 'routes'))).routes);
    items = table.routes.find((r) => r.id === 'items')!;
    flags = await createFileFlagSource({ dir: join(dir, 'flags'), watch: false });
  });
  afterAll(async () => {
    await flags?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([['legacy', 'legacy', 'legacy'], ['shadow', 'shadow', 'legacy'], ['new', 'new', 'new']] as const)('flag mode %s decides mode %s served by %s', async (mode, expectedMode, serve) => {
    await writeFlags({ 'ficus.items': { mode } });
    const d = sideOf('pat-1');
    expect(d.mode).toBe(expectedMode);
    expect(d.serve).toBe(serve);
  });

  it('keeps a canary sticky per key and near its percent across 10,000 keys', async () => {
    await writeFlags({ 'ficus.items': { mode: 'canary', percent: 25 } });
    const first = KEYS.map((k) => sideOf(k).serve);
    const second = KEYS.map((k) => sideOf(k).serve);
    expect(second).toEqual(first);
    const share = (first.filter((s) => s === 'new').length / KEYS.length) * 100;
    expect(share).toBeGreaterThanOrEqual(23);
    expect(share).toBeLessThanOrEqual(27);
    expect(KEYS.every((k) => sideOf(k).mode === 'canary')).toBe(true);
  });

  it('keeps the first 10% on new when the canary is raised to 25%', async () => {
    await writeFlags({ 'ficus.items': { mode: 'canary', percent: 10 } });
    const atTen = KEYS.filter((k) => sideOf(k).serve === 'new');
    expect(atTen.length / KEYS.length).toBeGreaterThanOrEqual(0.08);
    expect(atTen.length / KEYS.length).toBeLessThanOrEqual(0.12);
    await writeFlags({ 'ficus.items': { mode: 'canary', percent: 25 } });
    expect(atTen.filter((k) => sideOf(k).serve !== 'new')).toEqual([]);
  });

  it('serves legacy when the sticky key is missing', async () => {
    await writeFlags({ 'ficus.items': { mode: 'canary', percent: 100 } });
    expect(sideOf(undefined)).toMatchObject({ serve: 'legacy', mode: 'legacy', reason: 'no-sticky-key' });
  });

  it('serves legacy when the route flag is missing', async () => {
    const table = compileRouteTable((await loadRoutes(join(dir, 'routes'))).routes);
    expect(sideOf('pat-1', table.routes.find((r) => r.id === 'flagless')!)).toMatchObject({ serve: 'legacy', reason: 'flag-missing-or-disabled' });
  });

  it('serves legacy when the flag carries an unknown variant', async () => {
    writeFileSync(join(dir, 'flags', 'features.json'), JSON.stringify({ version: 2, features: [{ name: 'ficus.items', enabled: true, strategies: [{ name: 'default', parameters: {}, constraints: [], variants: [{ name: 'blue-green', weight: 1000, weightType: 'variable', stickiness: 'ficusKey' }] }] }] }));
    await flags.reload();
    expect(sideOf('pat-1')).toMatchObject({ serve: 'legacy', mode: 'legacy', reason: 'unknown-variant' });
  });
});

describe('routing: end to end over HTTP', () => {
  let h: TestFicus | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const sideVia = async (path: string, init?: RequestInit) => (await fetch(`${h!.proxyUrl}${path}`, init)).headers.get('x-side');

  it('keeps each patient on one side of a 50% canary and uses both sides', async () => {
    h = await startTestFicus({ flags: { 'ficus.items': { mode: 'canary', percent: 50 } } });
    const ids = Array.from({ length: 200 }, (_, i) => `p${i}`);
    const first = await Promise.all(ids.map((id) => sideVia(`/items/${id}`)));
    const second = await Promise.all(ids.map((id) => sideVia(`/items/${id}`)));
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['legacy', 'new']));
    const share = first.filter((s) => s === 'new').length / ids.length;
    expect(share).toBeGreaterThan(0.35);
    expect(share).toBeLessThan(0.65);
  });

  it('flips traffic on a flag file edit without a restart, and names the mode in Server-Timing', async () => {
    h = await startTestFicus();
    const before = await fetch(`${h.proxyUrl}/items/7`);
    expect(before.headers.get('x-side')).toBe('legacy');
    expect(before.headers.get('server-timing')).toMatch(/ficus;desc=legacy$/);
    await h.setFlagMode('ficus.items', 'new');
    const after = await fetch(`${h.proxyUrl}/items/7`);
    expect(after.headers.get('x-side')).toBe('new');
    expect(after.headers.get('server-timing')).toMatch(/^upstream;dur=[\d.]+, ficus;desc=new$/);
    expect(h.logs.some((l) => l.event === 'flags-changed')).toBe(true);
  });

  it('keeps the last good flags and logs the failure when the flag file is broken', async () => {
    h = await startTestFicus({ flags: { 'ficus.items': { mode: 'new' } } });
    await h.writeFlagsFile('{ "version": 2, "features": [ { "name": ');
    const failure = await h.waitForLog((l) => l.event === 'flags-reload-failed');
    expect(String(failure.error)).toMatch(/features\.json/);
    expect(await sideVia('/items/1')).toBe('new');
  });

  it('serves legacy when the query sticky key is missing, new when present', async () => {
    h = await startTestFicus({ flags: { 'ficus.search': { mode: 'canary', percent: 100 } } });
    expect(await sideVia('/search?other=1')).toBe('legacy');
    expect(await sideVia('/search?patient=p1')).toBe('new');
  });

  it('sends unmatched paths (including // variants of a route) to legacy', async () => {
    h = await startTestFicus({ flags: { 'ficus.items': { mode: 'new' } } });
    expect(await sideVia('/items/1')).toBe('new');
    expect(await sideVia('/items//1')).toBe('legacy');
    expect(await sideVia('/other')).toBe('legacy');
  });
});
