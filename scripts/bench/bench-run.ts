// The shape of one benchmark run (bench.json): what bench.ts measures, report.ts renders and
// targets.ts judges. Types only, so the renderer and the judge do not import each other for it.
import type { MeasureSettings, SizeResult } from './measure.ts';
import type { OpenLoopResult } from './open-loop.ts';

export interface ConfigurationResult {
  readonly id: string;
  readonly label: string;
  readonly sizes?: Record<string, SizeResult>;
  readonly peakRssMb?: number;
  readonly notes: readonly string[];
  /** Set when the configuration could not be measured. */
  readonly error?: string;
  /** The forwarding library and version (library-proxy only). */
  readonly library?: string;
}

export interface Machine {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly nginx: string;
  readonly wrk: string;
  readonly kernel: string;
}

export interface WorkersResult {
  readonly available: boolean;
  /** Why not available or not measured (e.g. the CLI's refusal of --workers). */
  readonly reason?: string;
  readonly one?: SizeResult;
  readonly two?: SizeResult;
  readonly connections: number;
}

export interface AddedLatencyRun {
  readonly rate: number;
  readonly seconds: number;
  readonly result?: OpenLoopResult;
  readonly error?: string;
}

export interface EventLoopDelay {
  readonly p50?: number;
  readonly p99?: number;
  readonly max?: number;
}

export interface ShadowLatencySide {
  readonly result: OpenLoopResult;
  /** ficus_event_loop_delay_seconds over the run (seconds). */
  readonly eventLoop?: EventLoopDelay;
  /** ficus_comparisons_total gained during the run. */
  readonly compared?: number;
}

export interface ShadowLatencyRun {
  readonly smallRate: number;
  readonly largeRate: number;
  readonly seconds: number;
  readonly unshadowed?: ShadowLatencySide;
  readonly shadowed?: ShadowLatencySide;
  readonly error?: string;
}

/** Everything one run wrote to load/results/bench.json. */
export interface BenchRun {
  readonly at: string;
  readonly quick: boolean;
  readonly machine: Machine;
  readonly settings: MeasureSettings;
  readonly cpus: { readonly proxy: string | undefined; readonly load: string | undefined };
  readonly results: readonly ConfigurationResult[];
  readonly workers?: WorkersResult;
  readonly addedLatency?: AddedLatencyRun;
  readonly shadowLatency?: ShadowLatencyRun;
  readonly memory: readonly MemoryCheckRow[];
}

export interface MemoryCheckRow {
  readonly transfer: string;
  readonly megabytes: number;
  readonly seconds: number;
  readonly baselineRssMb: number;
  readonly peakRssMb: number;
  readonly growthMb: number;
  readonly ok: boolean;
  readonly error?: string;
}
