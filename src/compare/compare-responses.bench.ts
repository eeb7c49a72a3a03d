// Cost of one comparison of a FHIR searchset Bundle on the compare queue's thread.
// Run: npx vitest bench --run src/compare
import { gzipSync } from 'node:zlib';
import { test } from 'vitest';
import { compareResponses } from './compare-responses.ts';
import { compileCompareRules } from './compile-compare-rules.ts';
import type { CapturedResponse } from './types.ts';

type Entry = { resource: { id: string; status: string; meta: { lastUpdated: string } } };

function observationBundle(size: number, tweak: (index: number, entry: Entry) => void = () => {}): unknown {
  const entry = Array.from({ length: size }, (_, i) => {
    const e = {
      fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      resource: {
        resourceType: 'Observation', id: `obs-${i}`, status: 'final',
        meta: { versionId: '1', lastUpdated: '2024-05-01T10:00:00Z' },
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
        subject: { reference: 'Patient/pat-0001' }, effectiveDateTime: '2024-05-01T09:00:00Z',
        valueQuantity: { value: 60 + (i % 40), unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
        text: { status: 'generated', div: '<div>Heart rate measured</div>' },
      },
    };
    tweak(i, e);
    return e;
  });
  return { resourceType: 'Bundle', type: 'searchset', total: size, meta: { lastUpdated: '2024-05-01T10:00:00Z' }, entry };
}

function captured(body: unknown, encoding?: 'gzip'): CapturedResponse {
  const raw = Buffer.from(JSON.stringify(body));
  return { status: 200, headers: { 'content-type': 'application/fhir+json', ...(encoding ? { 'content-encoding': encoding } : {}) }, body: encoding ? gzipSync(raw) : raw, truncated: false };
}

const SIZE = 500; // ~250 KB, a large search page
const plain = await compileCompareRules({}, { baseDir: '.' });
const rich = await compileCompareRules({
  ignore: ['/meta/lastUpdated', '/entry/*/resource/meta'],
  arrays: { '/entry': { keyed: 'resource/id' } },
  tolerance: { numeric: { '/entry/*/resource/valueQuantity/value': 0.01 } },
  shape: ['/entry/*/resource/text/div'],
}, { baseDir: '.' });
const control = captured(observationBundle(SIZE));
const same = captured(observationBundle(SIZE));
const gzipped = captured(observationBundle(SIZE), 'gzip');
const noisy = captured(observationBundle(SIZE, (_, e) => { e.resource.meta.lastUpdated = '2025-01-01T00:00:00Z'; }));
const reorderedChanged = captured({ ...(observationBundle(SIZE) as object), entry: (observationBundle(SIZE, (i, e) => { if (i === 7) e.resource.status = 'amended'; }) as { entry: Entry[] }).entry.reverse() });

test(`compare a Bundle of ${SIZE} Observations (${control.body.length} bytes)`, async ({ bench }) => {
  await bench.compare(
    bench('identical bytes (gate 1)', () => void compareResponses(control, same, plain)),
    bench('gzip against plain, equal (decode + deep-equal gate)', () => void compareResponses(control, gzipped, plain)),
    bench('only ignored fields differ (rule-aware walk, no differences)', () => void compareResponses(control, noisy, rich)),
    bench('keyed entries reversed, one change (rule-aware walk)', () => void compareResponses(control, reorderedChanged, rich)),
    { time: 1000 },
  );
});
