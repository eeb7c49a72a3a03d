import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/open-store.ts';
import { classifyPathSegment } from './classify-path-segment.ts';
import { createMigrationMap, type MigrationMap, type MigrationMapDeps } from './create-migration-map.ts';
import { suggestRouteYaml } from './suggest-route-yaml.ts';

const HOUR = 3_600_000;
const unmatched = (method: string, rawPath: string, failed = false) => ({ method, rawPath, servedAs: 'unmatched' as const, failed, latencyMs: 12 });
const CANARIES = ['MRN-CANARY-7731', 'Quigglesworth', '1970-01-01', 'zebulon.q@example.org', '6f1c2a9e-3d4b-4c5d-8e9f-0a1b2c3d4e5f'];

let dirs: string[] = [];
const opened: { store: Store; map: MigrationMap }[] = [];
afterEach(async () => {
  for (const { map, store } of opened.splice(0)) {
    await map.close();
    await store.close();
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** A map on a real SQLite file with a clock the test moves. */
async function mapOn(file?: string, options: Partial<MigrationMapDeps> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ficus-map-'));
  dirs.push(dir);
  const path = file ?? join(dir, 'ficus.db');
  const clock = { ms: Date.parse('2026-11-30T10:02:00Z') };
  const store = await openStore({ url: `sqlite:${path}` });
  const errors: unknown[] = [];
  const map = createMigrationMap({ db: store.db, now: () => new Date(clock.ms), onError: (e) => errors.push(e), ...options });
  opened.push({ store, map });
  return { map, store, clock, path, errors };
}

describe('createMigrationMap', () => {
  it('groups unmatched traffic by method and template, ids and dates as *', async () => {
    const { map } = await mapOn(undefined, { routeWords: ['notes'] });
    for (let i = 0; i < 30; i += 1) map.observe(unmatched('GET', `/api/v1/charts/${1000 + i}/notes/2026-11-${10 + (i % 20)}`));
    map.observe(unmatched('POST', '/api/v1/orders', true));
    map.observe({ method: 'GET', rawPath: '/fhir/Patient/1', servedAs: 'shadow', failed: false, latencyMs: 3 });
    const snap = await map.snapshot({ windowMs: HOUR });
    expect(snap.total).toBe(32);
    expect(snap.byServedAs).toMatchObject({ unmatched: 31, shadow: 1 });
    expect(snap.unmigrated[0]).toMatchObject({ method: 'GET', template: '/api/v1/charts/*/notes/*', requests: 30, errors: 0 });
    expect(snap.unmigrated[0]!.p99Ms).toBeCloseTo(12, 0);
    expect(snap.unmigrated[1]).toMatchObject({ method: 'POST', template: '/api/v1/orders', requests: 1, errors: 1 });
    expect(snap.other).toEqual({ requests: 0, errors: 0 });
  });

  it('never stores or exports a name, MRN, birth date, e-mail or UUID carried in a path — not in the API answer, the table or the database file', async () => {
    const { map, store, path } = await mapOn();
    for (let i = 0; i < 1000; i += 1) {
      for (const canary of [...CANARIES, 'quigglesworth']) map.observe(unmatched('GET', `/legacy/patients/${encodeURIComponent(canary)}/summary?name=${canary}`));
    }
    const snap = await map.snapshot({ windowMs: HOUR });
    expect(snap.unmigrated.map((e) => e.template)).toEqual(['/*/patients/*/summary']);
    const rows = await store.db.selectFrom('ficus_map_traffic').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0); // the search below reads real rows
    const outputs = { api: JSON.stringify(snap), table: JSON.stringify(rows), file: readdirSync(join(path, '..')).map((n) => readFileSync(join(path, '..', n)).toString('latin1')).join('\n') };
    expect(outputs.file).toContain('/*/patients/*/summary'); // the file search sees the map's bytes
    for (const [where, text] of Object.entries(outputs)) {
      for (const canary of [...CANARIES, 'quigglesworth']) {
        expect(text.toLowerCase(), `${canary} in ${where}`).not.toContain(canary.toLowerCase());
        expect(text.toLowerCase(), `${canary} in ${where}`).not.toContain(encodeURIComponent(canary).toLowerCase());
      }
    }
  });

  it('shows a word the route files name, from the reload that adds it, and hides one a reload removes', async () => {
    const { map } = await mapOn();
    map.observe(unmatched('GET', '/wards/occupancy'));
    map.setRouteWords(['wards', 'occupancy']);
    map.observe(unmatched('GET', '/wards/occupancy'));
    expect((await map.snapshot({ windowMs: HOUR })).unmigrated.map((e) => `${e.template} ${e.requests}`).sort()).toEqual(['/*/* 1', '/wards/occupancy 1']);
    map.setRouteWords([]);
    expect((await map.snapshot({ windowMs: HOUR })).unmigrated.map((e) => `${e.template} ${e.requests}`)).toEqual(['/*/* 2']);
  });

  it('caps distinct templates per bucket when counting and per window when reading; the rest is "other", counted', async () => {
    const { map, clock, store } = await mapOn(undefined, { maxTemplates: 3 });
    const words = ['api', 'fhir', 'hl7', 'adt', 'labs', 'notes', 'vitals', 'orders', 'billing', 'census'];
    for (let i = 0; i < 50; i += 1) map.observe(unmatched('GET', `/${words[i % 10]}`, i % 10 === 9));
    let snap = await map.snapshot({ windowMs: HOUR });
    expect(snap.templates).toBe(3);
    expect(snap.unmigrated.reduce((s, e) => s + e.requests, 0)).toBe(15);
    expect(snap.other).toEqual({ requests: 35, errors: 5 });
    // Stored: at most 3 templates in the bucket, and one "other" row.
    expect(await store.db.selectFrom('ficus_map_traffic').select('template').where('served_as', '=', 'unmatched').execute()).toHaveLength(4);
    // The next bucket counts three other templates: the window holds six, reads the busiest three.
    clock.ms += 5 * 60_000;
    for (let i = 0; i < 30; i += 1) map.observe(unmatched('GET', `/${words[3 + (i % 3)]}`));
    snap = await map.snapshot({ windowMs: HOUR });
    expect(snap.templates).toBe(3);
    expect(snap.unmigrated.map((e) => `${e.template} ${e.requests}`)).toEqual(['/adt 10', '/labs 10', '/notes 10']);
    expect(snap.total).toBe(80);
    expect(snap.other.requests).toBe(80 - 30);
  });

  it('counts over the window asked for: 1h leaves out yesterday, 7d includes it', async () => {
    const { map, clock } = await mapOn();
    map.observe(unmatched('GET', '/api/orders'));
    map.observe({ method: 'GET', rawPath: '/fhir/Patient/1', servedAs: 'canary', failed: false, latencyMs: 3 });
    clock.ms += 26 * HOUR;
    map.observe(unmatched('GET', '/api/labs'));
    const hour = await map.snapshot({ windowMs: HOUR });
    expect(hour.unmigrated.map((e) => e.template)).toEqual(['/api/labs']);
    expect(hour.byServedAs.canary).toBe(0);
    expect(hour.total).toBe(1);
    expect(Date.parse(hour.since)).toBeLessThanOrEqual(clock.ms - HOUR);
    const week = await map.snapshot({ windowMs: 7 * 24 * HOUR });
    expect(week.unmigrated.map((e) => e.template).sort()).toEqual(['/api/labs', '/api/orders']);
    expect(week.byServedAs.canary).toBe(1);
  });

  it('keeps the map across a restart: a new process on the same store reads what the last one counted', async () => {
    const first = await mapOn();
    for (let i = 0; i < 7; i += 1) first.map.observe(unmatched('GET', `/api/charts/${i}`));
    await first.map.close();
    const second = await mapOn(first.path);
    second.map.observe(unmatched('GET', '/api/charts/99'));
    const snap = await second.map.snapshot({ windowMs: HOUR });
    expect(snap.unmigrated).toEqual([expect.objectContaining({ template: '/api/charts/*', requests: 8 })]);
  });
});

describe('classifyPathSegment', () => {
  it('treats digits, uuids, hex and punctuated values as data', () => {
    const vocab = new Set<string>();
    for (const s of ['12345', 'MRN-004411', '2026-11-30', 'a@b.org', 'deadbeefdeadbeef']) expect(classifyPathSegment(s, vocab).kind).toBe('data');
    expect(classifyPathSegment('occupancy', vocab)).toEqual({ kind: 'word', known: false });
  });
});

describe('suggestRouteYaml', () => {
  it('names parameters after the word before them, keys stickiness on the chart and declares writes dry-run', () => {
    expect(suggestRouteYaml({ method: 'POST', template: '/api/v1/charts/*/notes' })).toBe([
      '  - id: api-v1-charts-notes-post',
      '    description: POST /api/v1/charts/*/notes (suggested by the migration map)',
      '    match: { methods: [POST], path: /api/v1/charts/:chartId/notes }',
      '    new: ehr-next',
      '    flag: ficus.api-v1-charts-notes-post',
      '    stickiness: { path: chartId }',
      '    shadow: { writes: dry-run }  # writes are mirrored only under the dry-run contract',
    ].join('\n') + '\n');
  });

  it('keys stickiness on the patient, not on a prefix that is the same for every patient', () => {
    const yaml = suggestRouteYaml({ method: 'GET', template: '/*/patients/*/chart' });
    expect(yaml).toContain('path: /:p1/patients/:patientId/chart }');
    expect(yaml).toContain('stickiness: { path: patientId }');
  });
});
