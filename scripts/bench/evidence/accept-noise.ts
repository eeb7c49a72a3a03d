// Accepting noise suggestions as the CTO would: read them from the admin API (GET /api/noise) and
// put each suggested rule into the route's compare block, which Ficus hot-reloads. There is no
// "accept this suggestion" endpoint in the admin API today: the documented way is to paste the
// suggestion's `rule` into the route file, so that is what the benchmark does, blindly, for every
// suggestion (a wrong suggestion then costs recall, which is exactly what should be measured).
import type { AdminClient } from '../../../src/cli/admin-client.ts';
import type { AcceptedRules } from './route-config.ts';

/** A suggestion reduced to what it would do once accepted. */
export type SuggestedRule =
  | { readonly type: 'ignore'; readonly pointer: string; readonly kinds: readonly string[] | null }
  | { readonly type: 'array'; readonly pointer: string; readonly policy: unknown };

interface RawSuggestion {
  readonly pointer?: string;
  readonly kinds?: readonly string[];
  readonly rule?: Record<string, unknown>;
}

export async function readSuggestions(admin: AdminClient, route: string): Promise<SuggestedRule[]> {
  const body = await admin.get<{ suggestions?: RawSuggestion[] }>(`/api/noise?route=${encodeURIComponent(route)}`);
  return (body.suggestions ?? []).flatMap(toRules);
}

/**
 * Today a suggestion's rule is an ignore entry ({pointer, kinds}). Array policies ("the order is
 * noise") are read in the shapes a route file uses: {arrays: {pointer: policy}}, or a pointer with
 * an `array`/`policy` field, or `unordered`/`keyed` beside the pointer.
 */
export function toRules(suggestion: RawSuggestion): SuggestedRule[] {
  const rule = suggestion.rule ?? {};
  if (rule.arrays && typeof rule.arrays === 'object') {
    return Object.entries(rule.arrays as Record<string, unknown>).map(([pointer, policy]) => ({ type: 'array', pointer, policy }));
  }
  const pointer = String(rule.pointer ?? suggestion.pointer ?? '');
  const policy = rule.array ?? rule.policy ?? (rule.unordered === true ? 'unordered' : rule.keyed !== undefined ? { keyed: rule.keyed } : undefined);
  if (policy !== undefined) return [{ type: 'array', pointer, policy }];
  const kinds = Array.isArray(rule.kinds) ? (rule.kinds as string[]) : suggestion.kinds ?? null;
  return [{ type: 'ignore', pointer, kinds }];
}

export function acceptedRulesOf(rules: readonly SuggestedRule[]): AcceptedRules {
  const ignore: AcceptedRules['ignore'][number][] = [];
  const arrays: Record<string, unknown> = {};
  for (const rule of rules) {
    if (rule.type === 'array') arrays[rule.pointer] = rule.policy;
    else ignore.push(rule.kinds ? { pointer: rule.pointer, kinds: rule.kinds } : rule.pointer);
  }
  return { ignore, arrays };
}
