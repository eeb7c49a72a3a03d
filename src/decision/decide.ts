// decide(): the one flag evaluation per request. Every doubt resolves to legacy — a missing key,
// flag or variant, an SDK that is not ready, the kill switch — because legacy is the side that
// has served clinicians for twenty years. Never random stickiness: no key, no canary.
import type { Mode, Side } from '../shared/words.ts';
import type { CompiledRoute } from '../routing/route-table.ts';
import { meaningOfVariant } from './flag-shape.ts';
import type { FlagSource } from './flag-source.ts';

export type DecisionReason =
  | 'flag'
  | 'no-sticky-key'
  | 'flag-missing-or-disabled'
  | 'unknown-variant'
  | 'flags-not-ready'
  | 'kill-switch';

export interface Decision {
  readonly mode: Mode;
  /** The side whose response the client gets (before any per-request fallback). */
  readonly serve: Side;
  /** Flag variant as evaluated ('none' when no evaluation happened). */
  readonly variant: string;
  readonly flag: string;
  readonly revision: string;
  readonly reason: DecisionReason;
}

export interface DecideInput {
  readonly route: CompiledRoute;
  /**
   * Hashed stickiness key, or a function that hashes it (called only when a flag is actually
   * evaluated: a disabled flag never pays for the hash); undefined when the request has no key.
   */
  readonly stickyHash: string | (() => string) | undefined;
  readonly killSwitch: boolean;
}

export function decide(flags: FlagSource, input: DecideInput): Decision {
  const { route } = input;
  const flag = route.config.flag;
  const legacy = (reason: DecisionReason, variant = 'none'): Decision => ({
    mode: 'legacy',
    serve: 'legacy',
    variant,
    flag,
    revision: flags.revision(),
    reason,
  });
  if (input.killSwitch) return legacy('kill-switch');
  if (!flags.isReady()) return legacy('flags-not-ready');
  if (route.config.stickiness && input.stickyHash === undefined) return legacy('no-sticky-key');
  if (flags.definition(flag)?.enabled !== true) return legacy('flag-missing-or-disabled');
  const stickyHash = typeof input.stickyHash === 'function' ? input.stickyHash() : input.stickyHash;
  const variant = flags.variantFor(flag, stickyHash);
  if (variant === undefined) return legacy('flag-missing-or-disabled');
  const meaning = meaningOfVariant(variant);
  if (!meaning) return legacy('unknown-variant', variant);
  return { mode: meaning.mode, serve: meaning.serve, variant, flag, revision: flags.revision(), reason: 'flag' };
}
