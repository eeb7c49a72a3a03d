// Mirroring: the copies Ficus makes of a served request, and the comparison of the two answers.
// Scientist's contract at the edge: the client always gets the served side's response; a copy
// never delays it, never fails it, and every request not copied is counted with its reason.
//   shadow / canary-legacy → copy to new           (Ficus-Shadow: shadow, or dry-run for writes)
//   new                    → sample copied to legacy (Ficus-Shadow: reverse; opt-in, safe only)
//   noise (opt-in)         → legacy asked twice      (Ficus-Shadow: noise; safe only)
import type { CompareQueue } from '../compare/create-compare-queue.ts';
import type { CompareRules } from '../compare/compile-compare-rules.ts';
import type { ExchangeObservation, SkipReason } from '../compare/evidence.ts';
import type { CompareJob } from '../compare/compare-job.ts';
import type { CapturedResponse } from '../compare/types.ts';
import type { CompiledRoute } from '../routing/route-table.ts';
import { isSafeRequest, statusClassOf, type CopyKind, type StatusClass } from '../shared/words.ts';
import type { EdgeState } from './handler-deps.ts';
import type { MirrorContext, MirrorHooks } from './mirror-hooks.ts';
import type { UpstreamSpan } from './exchange-trace.ts';
import type { HeaderEntries } from './hop-headers.ts';
import type { RelayCapture } from './relay.ts';
import { sendShadowCopy, type ShadowOutcome } from './shadow-call.ts';

export interface RouteEvent {
  readonly route: string;
  readonly action: 'write-mirroring-stopped';
  readonly details: Readonly<Record<string, unknown>>;
}

export interface MirrorDeps {
  state(): EdgeState & { readonly rules: ReadonlyMap<string, CompareRules> };
  random(): number;
  observe(observation: ExchangeObservation): void;
  readonly queue: CompareQueue<CompareJob>;
  onRouteEvent(event: RouteEvent): void;
}

export interface Mirror extends MirrorHooks {
  /** Routes whose write mirroring stopped because a copy came back without the dry-run ack. */
  writeMirroringStopped(): ReadonlyMap<string, { readonly at: Date }>;
  inFlight(route: string): number;
}

export function createMirror(deps: MirrorDeps): Mirror {
  const stopped = new Map<string, { at: Date }>();
  // Until a route's new service has acknowledged one dry-run copy, only one write copy may be in
  // flight: a service that ignores the contract then receives at most one write, not one per
  // concurrent client write sent before the first answer came back.
  const acknowledged = new Set<string>();
  const awaitingAck = new Set<string>();
  const inFlight = new Map<string, number>();
  const skip = (route: CompiledRoute, reason: SkipReason) => deps.observe({ type: 'skipped', route: route.id, reason });

  type Plan = { readonly kind: CopyKind; readonly to: 'new' | 'legacy' };

  /** The main copy for this exchange (to new, or reverse to legacy), or why there is none. */
  const planMainCopy = (context: MirrorContext, safe: boolean, sample: number): Plan | SkipReason | undefined => {
    const { route, decision, servedBy } = context;
    if (servedBy === 'legacy' && (decision.mode === 'shadow' || decision.mode === 'canary')) {
      if (!safe) {
        if (route.config.shadow.writes !== 'dry-run') return 'unsafe-method';
        if (stopped.has(route.id)) return 'write-mirroring-stopped';
        if (!acknowledged.has(route.id) && awaitingAck.has(route.id)) return 'no-ack';
      }
      if (deps.random() >= sample) return 'sampled-out';
      return { kind: safe ? 'shadow' : 'dry-run', to: 'new' };
    }
    if (servedBy === 'new' && decision.mode === 'new' && route.config.shadow.reverseSample > 0) {
      if (!safe) return 'unsafe-method';
      if (deps.random() >= route.config.shadow.reverseSample) return 'sampled-out';
      return { kind: 'reverse', to: 'legacy' };
    }
    return undefined;
  };

  /** Noise learning (opt-in) runs beside shadowing: legacy asked a second time, safe requests only. */
  const planNoiseProbe = (context: MirrorContext, safe: boolean, noiseSample: number): Plan | undefined =>
    context.servedBy === 'legacy' && safe && noiseSample > 0 && deps.random() < noiseSample ? { kind: 'noise', to: 'legacy' } : undefined;

  const begin = (context: MirrorContext): RelayCapture | undefined => {
    const { route } = context;
    const safe = isSafeRequest(context.req.method ?? 'GET', route);
    const rules = deps.state().rules.get(route.id);
    const main = planMainCopy(context, safe, rules?.sample ?? 1);
    if (typeof main === 'string') skip(route, main);
    const plans = [typeof main === 'object' ? main : undefined, planNoiseProbe(context, safe, rules?.noiseSample ?? 0)].filter((p): p is Plan => p !== undefined);
    if (plans.length === 0) return undefined;
    const pairs = plans.map((plan) => startCopy(context, plan)).filter((pair) => pair !== undefined);
    if (pairs.length === 0) return undefined;
    return {
      capBytes: route.config.shadow.bodyCapBytes,
      onCaptured: (captured) => {
        for (const pair of pairs) pair.served(captured);
      },
    };
  };

  /** Sends one copy (after the primary has been dispatched) and returns the pair that will compare it. */
  const startCopy = (context: MirrorContext, plan: Plan): ReturnType<typeof createPair> | undefined => {
    const { route } = context;
    const shadow = route.config.shadow;
    if ((inFlight.get(route.id) ?? 0) >= shadow.concurrency) {
      skip(route, 'budget-full');
      return undefined;
    }
    const upstream = deps.state().upstreams.get(plan.to === 'new' ? route.config.new : 'legacy');
    if (!upstream) return undefined;
    inFlight.set(route.id, (inFlight.get(route.id) ?? 0) + 1);
    const probe = plan.kind === 'dry-run' && !acknowledged.has(route.id);
    if (probe) awaitingAck.add(route.id);
    const span = context.trace?.copy(plan.kind, plan.to, upstream.name);
    const pair = createPair(deps, route, plan.kind, context, skip, span);
    const baseHeaders = span ? context.headers.filter(([name]) => name.toLowerCase() !== 'traceparent') : context.headers;
    const headers: HeaderEntries = [...baseHeaders, ['Ficus-Shadow', plan.kind], ...(span ? [['traceparent', span.traceparent] as [string, string]] : [])];
    const body = context.teeBody();
    // Dispatch the copy after the primary has been sent: the primary path never waits for it.
    let counted = false;
    setImmediate(() => {
      void body
        .then((teed) => {
          if (teed.bytes === undefined) {
            skip(route, teed.overCap ? 'body-over-cap' : 'client-aborted');
            span?.end('skipped', { 'ficus.skip_reason': teed.overCap ? 'body-over-cap' : 'client-aborted' });
            return undefined;
          }
          return sendShadowCopy({
            upstream, agent: upstream.copyAgent, method: context.req.method ?? 'GET', rawPath: context.req.url ?? '/',
            headers, body: teed.bytes, timeoutMs: shadow.timeoutMs, capBytes: shadow.bodyCapBytes,
          });
        })
        .then((outcome) => {
          if (!outcome) return;
          counted = true;
          deps.observe({ type: 'mirrored', route: route.id, side: plan.to, status: outcomeClass(outcome), latencyMs: outcome.latencyMs });
          if (plan.kind === 'dry-run' && outcome.ok && !acknowledgedDryRun(outcome.captured)) {
            stopped.set(route.id, { at: new Date() });
            skip(route, 'no-ack');
            deps.onRouteEvent({ route: route.id, action: 'write-mirroring-stopped', details: { reason: 'copy answered without Ficus-Shadow-Ack: dry-run', status: outcome.captured.status } });
            span?.end(outcome.captured.status, { 'ficus.skip_reason': 'no-ack' });
            return;
          }
          if (plan.kind === 'dry-run' && outcome.ok) acknowledged.add(route.id);
          pair.copied(outcome);
        })
        .catch(() => {
          // Nothing here may reach the client, but nothing may vanish either: a copy that broke
          // before its outcome was counted is a failed copy (once an unseen ERR_INVALID_PROTOCOL).
          if (counted) return;
          const failed: ShadowOutcome = { ok: false, failure: 'error', latencyMs: 0 };
          deps.observe({ type: 'mirrored', route: route.id, side: plan.to, status: 'error', latencyMs: 0 });
          pair.copied(failed);
        })
        .finally(() => {
          inFlight.set(route.id, (inFlight.get(route.id) ?? 1) - 1);
          if (probe) awaitingAck.delete(route.id);
        });
    });
    return pair;
  };

  return {
    begin,
    writeMirroringStopped: () => stopped,
    inFlight: (route) => inFlight.get(route) ?? 0,
  };
}

/** Joins the served response and the copy's outcome (either may finish first) into one compare job. */
function createPair(deps: MirrorDeps, route: CompiledRoute, kind: CopyKind, context: MirrorContext, skip: (route: CompiledRoute, reason: SkipReason) => void, span: UpstreamSpan | undefined) {
  let served: CapturedResponse | undefined;
  let copy: ShadowOutcome | undefined;
  const complete = () => {
    if (!served || !copy) return;
    const servedIsLegacy = kind !== 'reverse';
    if (!copy.ok) {
      // The candidate failed: still evidence (status matrix), never a client-visible event.
      const failed: StatusClass = copy.failure;
      span?.end(copy.failure, { 'ficus.comparison.verdict': 'uncomparable' });
      deps.observe({ type: 'compared', route: route.id, verdict: 'uncomparable', reason: 'copy-failed', legacyStatus: servedIsLegacy ? statusClassOf(served.status) : failed, newStatus: servedIsLegacy ? failed : statusClassOf(served.status) });
      return;
    }
    const legacy = servedIsLegacy ? served : copy.captured;
    const other = servedIsLegacy ? copy.captured : served;
    const job: CompareJob = { route, source: kind === 'noise' ? 'noise' : 'shadow', control: legacy, candidate: other, traceId: context.trace?.traceId, span };
    enqueueComparison(deps.queue, job, skip);
  };
  return {
    served(captured: CapturedResponse) {
      served = captured;
      complete();
    },
    copied(outcome: ShadowOutcome) {
      copy = outcome;
      complete();
    },
  };
}

/**
 * Hands a pair to the compare queue. A full queue is a skip, counted here and only here (the
 * queue's own onDrop must not count it again: that double count showed 2,637 drops as 5,274).
 */
export function enqueueComparison(queue: CompareQueue<CompareJob>, job: CompareJob, skip: (route: CompiledRoute, reason: SkipReason) => void): void {
  if (queue.enqueue(job) === 'queued') return;
  skip(job.route, 'queue-full');
  job.span?.end(job.candidate.status, { 'ficus.skip_reason': 'queue-full' });
}

function acknowledgedDryRun(captured: CapturedResponse): boolean {
  return captured.headers['ficus-shadow-ack']?.toLowerCase() === 'dry-run';
}

function outcomeClass(outcome: ShadowOutcome): StatusClass {
  return outcome.ok ? statusClassOf(outcome.captured.status) : outcome.failure;
}
