// W3C Trace Context without an exporter: Ficus still continues the client's trace (or starts one)
// so the new services' and the monolith's own traces join up per request, while recording nothing.
// The same ExchangeTracer interface as otel-tracing.ts, with non-recording spans: an id and the
// `traceparent` header, no SDK, no attributes, no export — 2–3 µs per request (telemetry-cost.bench.ts).
//
//   client traceparent 00-T-P-F  →  each upstream call gets 00-T-<fresh span id>-F'
//   no (or a malformed) traceparent →  a new trace id T, sampled per OTEL_TRACES_SAMPLER
//
// The sampled flag follows OTEL_TRACES_SAMPLER as if Ficus recorded: parent-based samplers keep the
// caller's decision, so a service with its own parent-based sampler traces exactly when it would
// behind an exporting Ficus. Ratio sampling is decided by the trace id, with the OpenTelemetry SDK's
// own arithmetic (TraceIdRatioBasedSampler), never by a random draw: every hop and every request of
// one trace gets the same decision, and an exporting Ficus samples exactly the same traces. There are no span links without recording, so a shadow copy carries
// the request's trace id (the recording tracer gives it its own trace linked to the request).
import type { IncomingMessage } from 'node:http';
import { randomFillSync } from 'node:crypto';
import type { TelemetrySettings } from '../config/settings.ts';
import type { ExchangeTrace, ExchangeTracer, UpstreamSpan } from '../dispatch/exchange-trace.ts';

export interface TraceContextPropagatorOptions {
  readonly sampler: TelemetrySettings['sampler'];
  readonly samplerArg: number;
  /** Random bytes for trace and span ids (injected for tests); defaults to a pooled CSPRNG. */
  readonly randomHex?: (bytes: number) => string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

export function createTraceContextPropagator(options: TraceContextPropagatorOptions): ExchangeTracer {
  const randomHex = options.randomHex ?? createRandomHex();
  const sampled = createTraceSampler(options.sampler, options.samplerArg);
  const nonZero = (bytes: number, zero: string) => {
    for (;;) {
      const id = randomHex(bytes);
      if (id !== zero) return id;
    }
  };

  return {
    start(req: IncomingMessage): ExchangeTrace {
      const parent = parseTraceparent(req.headers.traceparent);
      const traceId = parent?.traceId ?? nonZero(16, ZERO_TRACE);
      const flags = sampled(traceId, parent?.sampled) ? '01' : '00';
      const span = (): UpstreamSpan => ({ traceparent: `00-${traceId}-${nonZero(8, ZERO_SPAN)}-${flags}`, end() {} });
      return { traceId, attempt: span, copy: span, fallback() {}, end() {} };
    },
  };
}

/**
 * The sampled flag for a trace Ficus continues (`parentSampled` = the caller's flag) or starts
 * (undefined), decided as the SDK's sampler of the same name decides it.
 */
export function createTraceSampler(sampler: TelemetrySettings['sampler'], ratio: number): (traceId: string, parentSampled: boolean | undefined) => boolean {
  const root = (traceId: string): boolean => {
    switch (sampler) {
      case 'always_off': case 'parentbased_always_off': return false;
      case 'traceidratio': case 'parentbased_traceidratio': return traceIdBelowRatio(traceId, ratio);
      default: return true;
    }
  };
  const parentBased = sampler.startsWith('parentbased_');
  return function sampled(traceId, parentSampled) {
    return parentBased && parentSampled !== undefined ? parentSampled : root(traceId);
  };
}

/**
 * TraceIdRatioBasedSampler's test (@opentelemetry/sdk-trace): the four 32-bit words of the trace id
 * XORed together, below ratio × 2³² − 1. Pure, so it is the same for one trace id everywhere.
 */
function traceIdBelowRatio(traceId: string, ratio: number): boolean {
  const bounded = Number.isNaN(ratio) ? 0 : Math.min(1, Math.max(0, ratio));
  const upperBound = bounded === 1 ? 2 ** 32 : Math.floor(bounded * 0xffffffff);
  let accumulation = 0;
  for (let i = 0; i < 32; i += 8) accumulation = (accumulation ^ Number.parseInt(traceId.slice(i, i + 8), 16)) >>> 0;
  return accumulation < upperBound;
}

/** The caller's trace id and sampled flag; undefined for a missing, malformed or all-zero header. */
function parseTraceparent(header: string | string[] | undefined): { traceId: string; sampled: boolean } | undefined {
  if (typeof header !== 'string') return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (!match || match[1] === ZERO_TRACE || match[2] === ZERO_SPAN) return undefined;
  return { traceId: match[1]!, sampled: (Number.parseInt(match[3]!, 16) & 1) === 1 };
}

/** Hex ids from a 4 KB pool refilled by the CSPRNG: one syscall per ~170 requests, not per id. */
function createRandomHex(): (bytes: number) => string {
  const pool = Buffer.alloc(4096);
  let at = pool.length;
  return (bytes) => {
    if (at + bytes > pool.length) {
      randomFillSync(pool);
      at = 0;
    }
    const hex = pool.toString('hex', at, at + bytes);
    at += bytes;
    return hex;
  };
}
