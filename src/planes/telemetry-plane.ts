// The signals every plane feeds: the Prometheus metrics (fed by the proxy plane, rendered by the
// control plane), the event-loop delay monitor, tracing (OpenTelemetry when configured, otherwise
// trace context only: continued or originated, non-recording, so upstream traces still join) and the
// OTLP metrics push.
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { describeError } from '../config/describe-error.ts';
import type { Settings, TelemetrySettings } from '../config/settings.ts';
import type { ExchangeTracer } from '../dispatch/exchange-trace.ts';
import { createEventLoopDelayWindows } from '../telemetry/event-loop-delay.ts';
import { createOtelTracer } from '../telemetry/otel-tracing.ts';
import { createOtlpMetricsPusher } from '../telemetry/otlp-metrics.ts';
import { createProxyMetrics, type ProxyMetrics, type ProxyMetricsDeps } from '../telemetry/proxy-metrics.ts';
import { createTraceContextPropagator } from '../telemetry/trace-context-propagator.ts';
import type { EmitEvent } from './events.ts';

export interface TelemetryPlaneDeps extends Omit<ProxyMetricsDeps, 'eventLoopDelay'> {
  readonly settings: Pick<Settings, 'telemetry'>;
  readonly emit: EmitEvent;
  /** Tests: span processors replacing the exporters the settings name. */
  readonly spanProcessors?: readonly SpanProcessor[];
}

export interface TelemetryPlane {
  readonly metrics: ProxyMetrics;
  readonly tracer: ExchangeTracer;
  close(): Promise<void>;
}

const NO_EXPORT: TelemetrySettings = { tracesExporter: 'none', metricsExporter: 'none', otlpTracesUrl: '', otlpMetricsUrl: '', otlpHeaders: {}, sampler: 'parentbased_always_on', samplerArg: 1, serviceName: 'ficus', metricExportIntervalMs: 60_000 };

export function startTelemetryPlane(deps: TelemetryPlaneDeps): TelemetryPlane {
  const { settings, emit } = deps;
  const eventLoopDelay = createEventLoopDelayWindows({ resolutionMs: 10 });
  const metrics = createProxyMetrics({ ...deps, eventLoopDelay });
  const tracing = settings.telemetry || deps.spanProcessors ? createOtelTracer({ settings: settings.telemetry ?? NO_EXPORT, spanProcessors: deps.spanProcessors }) : undefined;
  const tracer = tracing?.tracer ?? createTraceContextPropagator({ sampler: settings.telemetry?.sampler ?? 'parentbased_always_on', samplerArg: settings.telemetry?.samplerArg ?? 1 });
  const otlp = settings.telemetry?.metricsExporter === 'otlp' ? settings.telemetry : undefined;
  const pusher = otlp
    ? createOtlpMetricsPusher({
        url: otlp.otlpMetricsUrl,
        headers: otlp.otlpHeaders,
        intervalMs: otlp.metricExportIntervalMs,
        serviceName: otlp.serviceName,
        metrics,
        onError: (error) => emit({ type: 'otlp-metrics-push-failed', error: describeError(error) }),
      })
    : undefined;
  return {
    metrics,
    tracer,
    async close() {
      eventLoopDelay.close();
      await tracing?.shutdown(); // flushes pending spans
      await pusher?.close();
    },
  };
}
