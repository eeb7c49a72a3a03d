import { createHash } from 'node:crypto';
import { context } from '@opentelemetry/api';
import { TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { createTraceSampler } from './trace-context-propagator.ts';

/** Deterministic, well-spread trace ids (the first 32 hex digits of sha256(i)). */
const traceIds = Array.from({ length: 4000 }, (_, i) => createHash('sha256').update(String(i)).digest('hex').slice(0, 32));

describe('createTraceSampler', () => {
  it('decides ratio sampling from the trace id: every request of one trace gets the same decision', () => {
    for (const sampler of ['traceidratio', 'parentbased_traceidratio'] as const) {
      const sampled = createTraceSampler(sampler, 0.3);
      for (const id of traceIds.slice(0, 200)) {
        const first = sampled(id, undefined);
        // Before the fix each call drew Math.random(): one trace came out sampled on some hops only.
        for (let i = 0; i < 5; i++) expect(sampled(id, undefined)).toBe(first);
        expect(createTraceSampler(sampler, 0.3)(id, undefined)).toBe(first);
      }
    }
  });

  it('samples exactly the trace ids the OpenTelemetry SDK samples, so exporting and non-exporting Ficus agree', () => {
    for (const ratio of [0, 0.01, 0.25, 0.5, 0.999, 1]) {
      const sdk = new TraceIdRatioBasedSampler(ratio);
      const sampled = createTraceSampler('traceidratio', ratio);
      const disagreements = traceIds.filter((id) => sampled(id, undefined) !== (sdk.shouldSample(context.active(), id).decision === 2));
      expect(disagreements, `ratio ${ratio}`).toEqual([]);
    }
  });

  it('samples about the ratio asked for', () => {
    const share = traceIds.filter((id) => createTraceSampler('traceidratio', 0.25)(id, undefined)).length / traceIds.length;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.28);
  });

  it("keeps the caller's decision under a parent-based sampler and applies the ratio to the caller's trace id otherwise", () => {
    const unsampledByRatio = traceIds.find((id) => !createTraceSampler('traceidratio', 0.5)(id, undefined))!;
    expect(createTraceSampler('parentbased_traceidratio', 0.5)(unsampledByRatio, true)).toBe(true);
    expect(createTraceSampler('parentbased_always_off', 1)(unsampledByRatio, true)).toBe(true);
    expect(createTraceSampler('parentbased_always_on', 1)(unsampledByRatio, false)).toBe(false);
    expect(createTraceSampler('traceidratio', 0.5)(unsampledByRatio, true)).toBe(false);
    expect(createTraceSampler('always_on', 0)(unsampledByRatio, false)).toBe(true);
    expect(createTraceSampler('always_off', 1)(unsampledByRatio, true)).toBe(false);
  });
});
