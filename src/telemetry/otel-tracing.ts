// ExchangeTracer on OpenTelemetry (NodeSDK, no auto-instrumentation: instrumentation-http alone
// costs ~140 µs per request here — see PITFALLS). Spans are made by hand at the request path's
// hook points, with explicit parents: no context.with(), no async-context propagation per request.
//
//   GET /fhir/Patient/:id            SERVER  (child of the client's traceparent, or a new root)
//   ├── GET legacy                   CLIENT  (traceparent → legacy)
//   └── GET new                      CLIENT  (traceparent → new; on fallback both children exist)
//   shadow GET /fhir/Patient/:id     CLIENT, own trace, LINKED to the server span; ends with the verdict
//
// Every attribute passes phi-rules.ts. Only `traceparent` is read from the client: no baggage
// propagator exists here, so inbound baggage never becomes telemetry.
import type { IncomingMessage } from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, context, propagation, metrics, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator, parseTraceParent } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ConsoleSpanExporter, ParentBasedSampler, TraceIdRatioBasedSampler,
  type Sampler, type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { CopyKind, FallbackReason, Side } from '../shared/words.ts';
import type { TelemetrySettings } from '../config/settings.ts';
import type { Decision } from '../decision/decide.ts';
import type { ExchangeTrace, ExchangeTracer, UpstreamSpan } from '../dispatch/exchange-trace.ts';
import type { CompiledRoute } from '../routing/route-table.ts';
import { safeAttributes, safeCode, safeMethod, spanName } from './phi-rules.ts';

export interface OtelTracing {
  /** Undefined when only metrics are exported (no span processors): the request path pays nothing. */
  readonly tracer: ExchangeTracer | undefined;
  /** Flushes pending spans (BatchSpanProcessor) and unregisters the SDK's globals. */
  shutdown(): Promise<void>;
}

export interface OtelTracingOptions {
  readonly settings: TelemetrySettings;
  readonly serviceVersion?: string;
  /** Replaces the exporters the settings name (tests pass a SimpleSpanProcessor over InMemorySpanExporter). */
  readonly spanProcessors?: readonly SpanProcessor[];
  /** Metric readers handed to the same SDK (OTLP push of Ficus' metrics), if any. */
  readonly metricReaders?: readonly IMetricReader[];
}

/** One SDK per process: the OpenTelemetry API keeps a single global tracer provider. */
let active = false;

/** Starts the SDK and returns the tracer; undefined when no exporter is configured (tracing off). */
export function createOtelTracer(options: OtelTracingOptions): OtelTracing | undefined {
  const spanProcessors = options.spanProcessors ? [...options.spanProcessors] : processorsFor(options.settings);
  if (spanProcessors.length === 0 && !options.metricReaders?.length) return undefined;
  if (active) throw Object.assign(new Error('an OpenTelemetry SDK is already running in this process'), { code: 'TELEMETRY_ALREADY_STARTED' });
  const sdk = new NodeSDK({
    serviceName: options.settings.serviceName,
    resource: resourceFromAttributes({ 'service.name': options.settings.serviceName, 'service.version': options.serviceVersion ?? 'dev' }),
    autoDetectResources: false,
    instrumentations: [],
    spanProcessors,
    sampler: samplerFor(options.settings),
    textMapPropagator: new W3CTraceContextPropagator(),
    // Set deliberately: NodeSDK defaults metrics and logs to OTLP when nothing is configured.
    metricReaders: options.metricReaders ? [...options.metricReaders] : [],
    logRecordProcessors: [],
  });
  sdk.start();
  active = true;
  const otel = spanProcessors.length ? trace.getTracer('ficus', options.serviceVersion) : undefined;
  let stopped = false;
  return {
    tracer: otel ? createExchangeTracer(otel) : undefined,
    async shutdown() {
      if (stopped) return;
      stopped = true;
      await sdk.shutdown().catch(() => {});
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
      active = false;
    },
  };
}

function processorsFor(settings: TelemetrySettings): SpanProcessor[] {
  if (settings.tracesExporter === 'otlp') return [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: settings.otlpTracesUrl, headers: { ...settings.otlpHeaders } }) })];
  if (settings.tracesExporter === 'console') return [new BatchSpanProcessor({ exporter: new ConsoleSpanExporter() })];
  return [];
}

function samplerFor(settings: TelemetrySettings): Sampler {
  const ratio = new TraceIdRatioBasedSampler(settings.samplerArg);
  switch (settings.sampler) {
    case 'always_on': return new AlwaysOnSampler();
    case 'always_off': return new AlwaysOffSampler();
    case 'traceidratio': return ratio;
    case 'parentbased_always_off': return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio': return new ParentBasedSampler({ root: ratio });
    default: return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** The ExchangeTracer over any OpenTelemetry Tracer (exported for tests and benchmarks). */
export function createExchangeTracer(otel: Tracer): ExchangeTracer {
  return {
    start(req, route, decision) {
      return startExchange(otel, req, route, decision);
    },
  };
}

function startExchange(otel: Tracer, req: IncomingMessage, route: CompiledRoute | undefined, decision: Decision | undefined): ExchangeTrace {
  const method = safeMethod(req.method);
  const template = route?.template;
  const attributes = safeAttributes({
    'http.request.method': method,
    'http.route': template,
    'ficus.route': route?.id,
    'ficus.mode': decision?.mode ?? 'legacy',
    'ficus.flag': decision?.flag,
    'ficus.variant': decision?.variant,
    'ficus.flag_revision': decision?.revision,
    'ficus.decision_reason': decision?.reason,
  });
  const server = otel.startSpan(spanName(method, template), { kind: SpanKind.SERVER, attributes }, parentOf(req));
  const serverContext = trace.setSpan(ROOT_CONTEXT, server);
  const serverSpanContext = server.spanContext();

  return {
    traceId: serverSpanContext.traceId,
    attempt(side: Side, upstreamName: string): UpstreamSpan {
      const span = otel.startSpan(`${method} ${side}`, {
        kind: SpanKind.CLIENT,
        attributes: safeAttributes({ 'http.request.method': method, 'http.route': template, 'ficus.route': route?.id, 'ficus.side': side, 'ficus.upstream': upstreamName }),
      }, serverContext);
      return upstreamSpan(span);
    },
    copy(kind: CopyKind, side: Side, upstreamName: string): UpstreamSpan {
      const span = otel.startSpan(`${kind} ${spanName(method, template)}`, {
        kind: SpanKind.CLIENT,
        root: true,
        links: [{ context: serverSpanContext }],
        attributes: safeAttributes({ 'http.request.method': method, 'http.route': template, 'ficus.route': route?.id, 'ficus.mode': decision?.mode, 'ficus.copy_kind': kind, 'ficus.side': side, 'ficus.upstream': upstreamName }),
      }, ROOT_CONTEXT);
      return upstreamSpan(span);
    },
    fallback(reason: FallbackReason) {
      const attrs = safeAttributes({ 'ficus.fallback_reason': reason });
      server.setAttributes(attrs);
      server.addEvent('fallback', attrs);
    },
    end(status: number, servedBy: Side, complete: boolean, failure?: string) {
      server.setAttribute('http.response.status_code', status);
      server.setAttribute('ficus.served_by', servedBy);
      if (!complete) server.setAttribute('ficus.complete', false);
      if (failure !== undefined) server.setAttribute('error.type', safeCode(failure));
      if (status >= 500 || !complete) server.setStatus({ code: SpanStatusCode.ERROR });
      server.end();
    },
  };
}

function upstreamSpan(span: Span): UpstreamSpan {
  let ended = false;
  return {
    traceparent: traceparentOf(span),
    end(outcome, attributes) {
      if (ended) return;
      ended = true;
      if (typeof outcome === 'number') {
        span.setAttribute('http.response.status_code', outcome);
        if (outcome >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      } else if (outcome !== 'skipped') {
        span.setAttribute('error.type', safeCode(outcome));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      if (attributes) span.setAttributes(safeAttributes(attributes));
      span.end();
    },
  };
}

/** The client's trace context, from `traceparent` only (a malformed one starts a new trace). */
function parentOf(req: IncomingMessage): Context {
  const header = req.headers.traceparent;
  if (typeof header !== 'string') return ROOT_CONTEXT;
  const parent = parseTraceParent(header);
  if (!parent) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: parent.traceId, spanId: parent.spanId, traceFlags: parent.traceFlags, isRemote: true });
}

function traceparentOf(span: Span): string {
  const c = span.spanContext();
  return `00-${c.traceId}-${c.spanId}-${c.traceFlags & TraceFlags.SAMPLED ? '01' : '00'}`;
}
