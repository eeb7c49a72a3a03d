import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeTraffic } from './describe-traffic.ts';
import { seedDemoFlags } from './seed-demo-flags.ts';
import { NO_TRAFFIC, readTrafficTotals } from './traffic-totals.ts';

const METRICS = `# HELP ficus_requests_total Client requests answered.
# TYPE ficus_requests_total counter
ficus_requests_total{route="patient-read",mode="shadow",side="legacy",status="2xx"} 30
ficus_requests_total{route="patient-read",mode="shadow",side="legacy",status="5xx"} 2
ficus_requests_total{route="_passthrough",mode="legacy",side="legacy",status="2xx"} 8
ficus_requests_total_created{route="x"} 99
ficus_comparisons_total{route="patient-read",verdict="match"} 28
ficus_comparisons_total{route="patient-read",verdict="mismatch"} 2
ficus_comparisons_total{route="patient-read",verdict="uncomparable"} 1
`;

describe('the demo traffic summary', () => {
  it('reads requests by mode, comparisons and mismatches from /metrics text', () => {
    expect(readTrafficTotals(METRICS)).toEqual({ requests: 40, byMode: { shadow: 32, legacy: 8 }, compared: 31, mismatches: 2 });
  });

  it('gives rates over the interval and totals since start, modes in migration order', () => {
    const line = describeTraffic(NO_TRAFFIC, readTrafficTotals(METRICS), 4);
    expect(line).toBe('10.0 req/s · legacy 2.0 · shadow 8.0 · compared 31 · mismatches 2 (6.5%)');
  });

  it('shows no mismatch share before anything was compared', () => {
    expect(describeTraffic(NO_TRAFFIC, NO_TRAFFIC, 1)).toBe('0.0 req/s · compared 0 · mismatches 0');
  });
});

describe('the demo flags folder', () => {
  it('is copied from flags/ on first start and kept as changed afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ficus-seed-'));
    const seed = join(dir, 'flags');
    mkdirSync(seed);
    writeFileSync(join(seed, 'features.json'), '{"seed":1}');
    const own = join(dir, 'demo/flags');
    expect(await seedDemoFlags(seed, own)).toBe('seeded');
    writeFileSync(join(own, 'features.json'), '{"changed":1}');
    expect(await seedDemoFlags(seed, own)).toBe('kept');
    expect(readFileSync(join(own, 'features.json'), 'utf8')).toBe('{"changed":1}');
  });
});
