// The bench's targets table (scripts/bench/targets.ts, report.ts) from a recorded run's shape: every
// target gets a row with its ratio and a verdict that follows the figures, and a missing or refused
// measurement says so instead of a number. The bench itself is not run here (it needs minutes).
import { describe, expect, it } from 'vitest';
import { summariseProfile } from '../../scripts/bench/cpu-profile.ts';
import type { RoundResult, SizeResult } from '../../scripts/bench/measure.ts';
import { bundlePayload } from '../../scripts/bench/nginx.ts';
import { renderMarkdown } from '../../scripts/bench/report.ts';
import type { BenchRun, ConfigurationResult } from '../../scripts/bench/bench-run.ts';
import { evaluateTargets } from '../../scripts/bench/targets.ts';

const round = (cpuUsPerRequest: number, rps = 1000): RoundResult => ({ rps, p50Ms: 1, p99Ms: 2, cpuUsPerRequest, requests: 1000, errors: 0, non2xx: 0, loadAverage: 1, machineBusyCpus: 1.2 });
const size = (cpu: number, rps?: number): SizeResult => ({ median: round(cpu, rps), rounds: [round(cpu, rps)] });
const row = (id: string, cpu: number, extra: Partial<ConfigurationResult> = {}): ConfigurationResult => ({ id, label: id, sizes: { '1k': size(cpu) }, peakRssMb: 100, notes: [], ...extra });
const latency = (p99: number) => ({ p50: p99 / 2, p99, max: p99 * 2, count: 20_000 });

function run(overrides: Partial<BenchRun> = {}): BenchRun {
  return {
    at: '2026-11-30T00:00:00.000Z',
    quick: false,
    machine: { nproc: 2, cpuModel: 'test CPU', node: '24.0.0', nginx: 'nginx', wrk: 'wrk', kernel: 'test' },
    settings: { wrk: { threads: 1, connections: 50, seconds: 6, cpus: '1' }, rounds: 3, warmupSeconds: 2, sizes: ['1k'] },
    cpus: { proxy: '0', load: '1' },
    results: [
      row('raw-pipe', 100),
      row('library-proxy', 130, { library: 'http-proxy 1.18.1' }),
      row('ficus-legacy', 125),
      row('ficus-traceparent', 126),
      row('ficus-tracing', 170),
      row('ficus-shadow', 210),
    ],
    workers: { available: true, one: size(100, 4000), two: size(100, 6400), connections: 100 },
    addedLatency: { rate: 1000, seconds: 20, result: { small: latency(1.2), smallAdded: latency(0.8), failures: 0, droppedIterations: 0 } },
    shadowLatency: {
      smallRate: 200, largeRate: 50, seconds: 20,
      unshadowed: { result: { small: latency(3), failures: 0, droppedIterations: 0 }, eventLoop: { p99: 0.002, max: 0.004 }, compared: 0 },
      shadowed: { result: { small: latency(6), failures: 0, droppedIterations: 0 }, eventLoop: { p99: 0.003, max: 0.009 }, compared: 980 },
    },
    memory: [],
    ...overrides,
  };
}

const verdicts = (r: BenchRun) => Object.fromEntries(evaluateTargets(r).map((t) => [t.id, t.verdict]));

describe('the bench targets table', () => {
  it('has one row per target, with the ratio measured and a verdict that follows it', () => {
    const targets = evaluateTargets(run());
    expect(targets.map((t) => t.id)).toEqual(['passthrough-vs-raw', 'passthrough-vs-library', 'tracing', 'propagation', 'shadow', 'workers', 'added-latency', 'shadow-latency']);
    expect(verdicts(run())).toEqual({
      'passthrough-vs-raw': 'not met', // 1.25× > 1.2×
      'passthrough-vs-library': 'met', // 0.96×
      tracing: 'not met', // 1.36×
      propagation: 'met', // 1.008×
      shadow: 'not met', // 1.68×
      workers: 'met', // 1.6×
      'added-latency': 'met', // 0.8 ms
      'shadow-latency': 'not met', // +3 ms
    });
    const raw = targets.find((t) => t.id === 'passthrough-vs-raw')!;
    expect(raw.measured).toBe('1.25× (125 vs 100 µs/req)');
    expect(raw.why).toContain('25 µs/req');
    expect(targets.find((t) => t.id === 'shadow-latency')!.measured).toContain('+3.00 ms');
  });

  it('marks the stretch goal when pass-through is within 1.1× of the raw pipe', () => {
    const fast = run({ results: [row('raw-pipe', 100), row('ficus-legacy', 109)] });
    expect(verdicts(fast)['passthrough-vs-raw']).toBe('stretch met');
  });

  it('says "not available in this build" when the CLI refuses --workers, and "not measured" for a missing row', () => {
    const refused = run({ workers: { available: false, reason: "the CLI refused --workers 2: Unknown option '--workers'", connections: 100 }, results: [row('raw-pipe', 100)] });
    const v = verdicts(refused);
    expect(v.workers).toBe('not available in this build');
    expect(v['passthrough-vs-raw']).toBe('not measured');
    expect(evaluateTargets(refused).find((t) => t.id === 'passthrough-vs-raw')!.why).toContain('ficus-legacy was not measured');
  });

  it('renders the targets first, then the cost table, the workers and the latency runs', () => {
    const markdown = renderMarkdown(run());
    const at = (text: string) => markdown.indexOf(text);
    expect(at('### Targets')).toBeGreaterThan(0);
    expect(at('### Targets')).toBeLessThan(at('### Cost per request, 1k'));
    expect(at('### Cost per request, 1k')).toBeLessThan(at('### Workers'));
    expect(at('### Workers')).toBeLessThan(at('### Latency under open-loop load'));
    expect(markdown).toContain('| pass-through CPU/req vs plain http-proxy 1.18.1 with a keep-alive agent | ≤ 1× | 0.96× (125 vs 130 µs/req) | **met** |');
    const targetRows = markdown.split('### Targets')[1]!.split('###')[0]!.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| target'));
    expect(targetRows).toHaveLength(8);
  });
});

describe('the bench inputs', () => {
  it("serves a ~250 KB FHIR Bundle whose new-service variant differs from legacy's", () => {
    const legacy = bundlePayload('legacy');
    const next = bundlePayload('new');
    expect(legacy.length).toBeGreaterThan(250 * 1024);
    expect(legacy.length).toBeLessThan(260 * 1024);
    expect(next).not.toBe(legacy);
    expect((JSON.parse(next) as { entry: unknown[] }).entry.length).toBe((JSON.parse(legacy) as { entry: unknown[] }).entry.length);
  });

  it('splits a CPU profile into parts by their innermost named frame, skipping start-up samples', () => {
    const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url, lineNumber: 0 }, children });
    const profile = {
      nodes: [frame(1, '(root)', '', [2, 5]), frame(2, 'handleRequest', 'file:///x/src/dispatch/handle-request.ts', [3]), frame(3, 'log', 'file:///x/node_modules/pino/lib/proto.js', [4]), frame(4, 'write', 'node:fs'), frame(5, 'compile', 'node:internal/modules')],
      samples: [5, 2, 3, 4, 4],
      timeDeltas: [0, 100, 10, 20, 30, 40],
      startTime: 0,
      endTime: 200,
    };
    const parts = [
      { name: 'passes', matches: (_: string, url: string) => url.endsWith('handle-request.ts') },
      { name: 'log', matches: (_: string, url: string) => url.includes('/pino/') },
    ];
    const summary = summariseProfile(profile, 10, parts, (_, url) => url.endsWith('handle-request.ts'));
    // The compile sample (100 µs) came before the first request: left out. 10 + 20 + 30 + 40 µs over 10 requests.
    expect(summary.totalUsPerRequest).toBe(10);
    const byName = Object.fromEntries(summary.parts.map((p) => [p.name, p]));
    expect(byName.log!.ownUsPerRequest).toBe(9); // 20 + 30 + 40, all under pino
    expect(byName.passes!.ownUsPerRequest).toBe(1);
    expect(byName.passes!.usPerRequest).toBe(10); // inclusive: every sample has handleRequest below it
  });
});
