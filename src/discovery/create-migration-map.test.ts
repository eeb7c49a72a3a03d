import { describe, expect, it } from 'vitest';
import { classifyPathSegment } from './classify-path-segment.ts';
import { createMigrationMap } from './create-migration-map.ts';
import { suggestRouteYaml } from './suggest-route-yaml.ts';

const unmatched = (method: string, rawPath: string, failed = false) => ({ method, rawPath, servedAs: 'unmatched' as const, failed, latencyMs: 12 });
const CANARIES = ['MRN-CANARY-7731', 'Quigglesworth', '1970-01-01', 'zebulon.q@example.org', '6f1c2a9e-3d4b-4c5d-8e9f-0a1b2c3d4e5f'];

describe('createMigrationMap', () => {
  it('groups unmatched traffic by method and template, ids and dates as *', () => {
    const map = createMigrationMap({ routeWords: ['notes'] });
    for (let i = 0; i < 30; i += 1) map.observe(unmatched('GET', `/api/v1/charts/${1000 + i}/notes/2026-11-${10 + (i % 20)}`));
    map.observe(unmatched('POST', '/api/v1/orders', true));
    map.observe({ method: 'GET', rawPath: '/fhir/Patient/1', servedAs: 'shadow', failed: false, latencyMs: 3 });
    const snap = map.snapshot();
    expect(snap.total).toBe(32);
    expect(snap.byServedAs).toMatchObject({ unmatched: 31, shadow: 1 });
    expect(snap.unmigrated[0]).toMatchObject({ method: 'GET', template: '/api/v1/charts/*/notes/*', requests: 30, errors: 0 });
    expect(snap.unmigrated[1]).toMatchObject({ method: 'POST', template: '/api/v1/orders', requests: 1, errors: 1 });
  });

  it('never exports a name, MRN, birth date, e-mail or UUID carried in a path — even one chart read a thousand times', () => {
    const map = createMigrationMap();
    for (let i = 0; i < 1000; i += 1) {
      for (const canary of [...CANARIES, 'quigglesworth']) map.observe(unmatched('GET', `/legacy/patients/${encodeURIComponent(canary)}/summary`));
    }
    const exported = JSON.stringify(map.snapshot());
    for (const canary of [...CANARIES, 'quigglesworth']) expect(exported.toLowerCase()).not.toContain(canary.toLowerCase());
    expect(map.snapshot().unmigrated.map((e) => e.template)).toEqual(['/*/patients/*/summary']);
  });

  it('shows a word the route files name, from the reload that adds it', () => {
    const map = createMigrationMap();
    map.observe(unmatched('GET', '/wards/occupancy'));
    map.setRouteWords(['wards', 'occupancy']);
    map.observe(unmatched('GET', '/wards/occupancy'));
    expect(map.snapshot().unmigrated.map((e) => `${e.template} ${e.requests}`).sort()).toEqual(['/*/* 1', '/wards/occupancy 1']);
  });

  it('bounds the number of tracked templates and counts the overflow', () => {
    const map = createMigrationMap({ maxTemplates: 3 });
    for (let i = 0; i < 50; i += 1) map.observe(unmatched('GET', '/api'.repeat(1 + (i % 10))));
    expect(map.snapshot().overflow).toBe(35);
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
  it('names parameters, keys stickiness on the first and declares writes dry-run', () => {
    expect(suggestRouteYaml({ method: 'POST', template: '/api/v1/charts/*/notes' })).toBe([
      '  - id: api-v1-charts-notes-post',
      '    description: POST /api/v1/charts/*/notes (suggested by the migration map)',
      '    match: { methods: [POST], path: /api/v1/charts/:id/notes }',
      '    new: ehr-next',
      '    flag: ficus.api-v1-charts-notes-post',
      '    stickiness: { path: id }',
      '    shadow: { writes: dry-run }  # writes are mirrored only under the dry-run contract',
    ].join('\n') + '\n');
  });
});
