// OTLP/HTTP push of the proxy's metrics (OTEL_METRICS_EXPORTER=otlp): every interval, the
// registry's cumulative snapshot is encoded as OTLP JSON (the protocol's JSON mapping) and POSTed to
// OTEL_EXPORTER_OTLP_METRICS_ENDPOINT. The same numbers as /metrics, so both views agree; labels are
// route ids and closed enums only (phi-rules.ts). A failed push is reported and the next one carries
// the cumulative totals, so nothing is lost but resolution.
import type { MetricSnapshot, ProxyMetrics } from './proxy-metrics.ts';

export interface OtlpMetricsPusherOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly intervalMs: number;
  readonly serviceName: string;
  readonly metrics: Pick<ProxyMetrics, 'snapshot'>;
  readonly now?: () => number;
  onError(error: unknown): void;
}

export interface OtlpMetricsPusher {
  /** Pushes now (also on shutdown). Never throws. */
  push(): Promise<void>;
  close(): Promise<void>;
}

export function createOtlpMetricsPusher(options: OtlpMetricsPusherOptions): OtlpMetricsPusher {
  const now = options.now ?? Date.now;
  const startNanos = `${now()}000000`;
  const push = async () => {
    try {
      const body = JSON.stringify(encodeMetrics(options.metrics.snapshot(), options.serviceName, startNanos, `${now()}000000`));
      const res = await fetch(options.url, { method: 'POST', headers: { 'content-type': 'application/json', ...options.headers }, body, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (!res.ok) throw Object.assign(new Error(`OTLP metrics endpoint answered ${res.status}`), { code: 'OTLP_METRICS_REJECTED' });
    } catch (error) {
      options.onError(error);
    }
  };
  const timer = setInterval(() => void push(), options.intervalMs);
  timer.unref();
  return {
    push,
    async close() {
      clearInterval(timer);
      await push();
    },
  };
}

type Attribute = { key: string; value: { stringValue: string } };
const attributes = (record: Readonly<Record<string, string>>): Attribute[] => Object.entries(record).map(([key, value]) => ({ key, value: { stringValue: value } }));
const CUMULATIVE = 2; // AGGREGATION_TEMPORALITY_CUMULATIVE

/** ExportMetricsServiceRequest in OTLP's JSON encoding. */
export function encodeMetrics(families: readonly MetricSnapshot[], serviceName: string, startTimeUnixNano: string, timeUnixNano: string) {
  const metrics = families.map((family) => {
    const common = { name: family.name, description: family.help };
    switch (family.kind) {
      case 'counter':
        return { ...common, sum: { aggregationTemporality: CUMULATIVE, isMonotonic: true, dataPoints: family.series.map((s) => ({ attributes: attributes(s.attributes), startTimeUnixNano, timeUnixNano, asInt: String(s.value) })) } };
      case 'gauge':
        return { ...common, gauge: { dataPoints: family.series.map((s) => ({ attributes: attributes(s.attributes), timeUnixNano, asDouble: s.value })) } };
      case 'histogram':
        return {
          ...common,
          unit: 's',
          histogram: {
            aggregationTemporality: CUMULATIVE,
            dataPoints: family.series.map((s) => ({ attributes: attributes(s.attributes), startTimeUnixNano, timeUnixNano, count: String(s.count), sum: s.sum, bucketCounts: s.buckets.map(String), explicitBounds: family.bounds })),
          },
        };
    }
  });
  return {
    resourceMetrics: [
      {
        resource: { attributes: attributes({ 'service.name': serviceName }) },
        scopeMetrics: [{ scope: { name: 'ficus' }, metrics }],
      },
    ],
  };
}
