// The one place that knows how a route's mode is written in an Unleash flag. Each route has one
// flag; its strategy variants carry the mode, so the legacy side of a canary ("canary-legacy")
// stays distinguishable from plain legacy in metrics and traces:
//   legacy  → flag disabled (or a default strategy with variant "legacy")
//   shadow  → default strategy, variant "shadow"
//   new     → default strategy, variant "new"
//   canary  → flexibleRollout {rollout: P, stickiness: ficusKey} with variant "canary-new",
//             then a default strategy with variant "canary-legacy"
// Raising P keeps everyone already inside the rollout inside it (Unleash's normalised hash of
// stickiness + groupId is stable), which is what a clinician-facing canary needs.
import type { FeatureInterface } from 'unleash-client/lib/feature.js';
import type { Mode, Side } from '../shared/words.ts';

export const STICKINESS_FIELD = 'ficusKey';
export const KILL_SWITCH_FLAG = 'ficus.kill-switch';

export interface VariantMeaning {
  readonly mode: Mode;
  readonly serve: Side;
}

const VARIANTS: Readonly<Record<string, VariantMeaning>> = {
  legacy: { mode: 'legacy', serve: 'legacy' },
  shadow: { mode: 'shadow', serve: 'legacy' },
  'canary-new': { mode: 'canary', serve: 'new' },
  'canary-legacy': { mode: 'canary', serve: 'legacy' },
  new: { mode: 'new', serve: 'new' },
};

export function meaningOfVariant(name: string): VariantMeaning | undefined {
  return Object.hasOwn(VARIANTS, name) ? VARIANTS[name] : undefined;
}

export interface FlagState {
  readonly mode: Mode;
  /** Share of sticky keys served by new: 0 for legacy/shadow, 100 for new, P for canary. */
  readonly percent: number;
}

/** Reads a flag definition back into mode and percent (for the API, CLI and dashboard). */
export function describeFlag(feature: FeatureInterface | undefined): FlagState {
  if (!feature || !feature.enabled) return { mode: 'legacy', percent: 0 };
  for (const strategy of feature.strategies ?? []) {
    const names = (strategy.variants ?? []).map((v) => v.name);
    if (names.includes('canary-new')) {
      const rollout = strategy.name === 'flexibleRollout' ? Number(strategy.parameters?.rollout ?? 100) : 100;
      return { mode: 'canary', percent: Number.isFinite(rollout) ? rollout : 0 };
    }
    const meaning = names.map(meaningOfVariant).find((m) => m !== undefined);
    if (meaning) return { mode: meaning.mode, percent: meaning.mode === 'new' ? 100 : 0 };
  }
  return { mode: 'legacy', percent: 0 };
}

function variant(name: string) {
  return { name, weight: 1000, weightType: 'variable' as const, stickiness: STICKINESS_FIELD };
}

/** The canonical flag for a mode; keeps the flag's other fields (description, project, type). */
export function flagForMode(name: string, mode: Mode, percent: number, base?: FeatureInterface): FeatureInterface {
  const common = { ...(base ?? { type: 'release', project: 'default' }), name };
  switch (mode) {
    case 'legacy':
      return { ...common, enabled: false, strategies: [{ name: 'default', parameters: {}, constraints: [], variants: [variant('legacy')] }] };
    case 'shadow':
    case 'new':
      return { ...common, enabled: true, strategies: [{ name: 'default', parameters: {}, constraints: [], variants: [variant(mode)] }] };
    case 'canary':
      return {
        ...common,
        enabled: true,
        strategies: [
          {
            name: 'flexibleRollout',
            parameters: { rollout: String(percent), stickiness: STICKINESS_FIELD, groupId: name },
            constraints: [],
            variants: [variant('canary-new')],
          },
          { name: 'default', parameters: {}, constraints: [], variants: [variant('canary-legacy')] },
        ],
      };
  }
}
