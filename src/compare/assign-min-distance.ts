// Pairs the leftover elements of two unordered arrays (those without an equal partner) so that
// the total structural distance is smallest. Pairing by position compared values across the wrong
// elements and invented differences (issue 9, cause 2). Small problems are solved exactly
// (Hungarian method, O(n³)); large ones look only at a few likely partners per element (shared
// rare leaf values, neighbours in sorted order) and pair the cheapest edges first, so a
// 10,000-element array costs a few distance computations per element, not 10⁸.

/** Distance of control i to candidate j, or Infinity when they must not be paired. */
export type PairDistance = (i: number, j: number) => number;

export interface LeftoverElement {
  /** Index in its array. */
  readonly index: number;
  /** Leaf features (`path=value`) of its normal form; shared rare features propose partners. */
  readonly features: readonly string[];
  /** Sorts similar elements next to each other (its canonical normal form). */
  readonly sortKey: string;
}

/** Problems up to this many cells get the exact assignment. */
export const EXACT_CELLS = 64 * 64;
/** Per control element in the bounded search: partners by shared features, neighbours each side. */
const CANDIDATES_BY_FEATURE = 8;
const SORTED_NEIGHBOURS = 3;
/** A feature shared by more elements than this says little (`status=active`) and costs much. */
const MAX_POSTING = 16;

/** Pairs [controlIndex, candidateIndex] of minimum total distance; unpairable elements are left out. */
export function assignMinDistance(control: readonly LeftoverElement[], candidate: readonly LeftoverElement[], distance: PairDistance): [number, number][] {
  if (control.length === 0 || candidate.length === 0) return [];
  if (control.length * candidate.length <= EXACT_CELLS) return assignExactly(control, candidate, distance);
  return assignGreedily(control, candidate, distance);
}

function assignExactly(control: readonly LeftoverElement[], candidate: readonly LeftoverElement[], distance: PairDistance): [number, number][] {
  const costs = control.map((a) => candidate.map((b) => distance(a.index, b.index)));
  // Infinity breaks the potentials' arithmetic: a large finite cost stands for "never", and such
  // pairs are dropped after solving.
  const never = 1 + costs.flat().reduce((sum, c) => sum + (Number.isFinite(c) ? c : 0), 0);
  const finite = costs.map((row) => row.map((c) => (Number.isFinite(c) ? c : never)));
  const pairs: [number, number][] = [];
  for (const [r, c] of hungarian(finite)) if (finite[r]![c]! < never) pairs.push([control[r]!.index, candidate[c]!.index]);
  return pairs;
}

/**
 * Minimum-cost assignment of a rows × cols matrix (rows ≤ cols after transposing), potentials form
 * (e-maxx). Returns [row, col] for every row of the smaller side.
 */
function hungarian(cost: readonly (readonly number[])[]): [number, number][] {
  const transposed = cost.length > cost[0]!.length;
  const a = transposed ? cost[0]!.map((_, c) => cost.map((row) => row[c]!)) : cost;
  const n = a.length;
  const m = a[0]!.length;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[col] = row matched to col (1-based), 0 = free
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = a[i0 - 1]![j - 1]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) { minv[j] = cur; way[j] = j0; }
        if (minv[j]! < delta) { delta = minv[j]!; j1 = j; }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do { const j1 = way[j0]!; p[j0] = p[j1]!; j0 = j1; } while (j0 !== 0);
  }
  const pairs: [number, number][] = [];
  for (let j = 1; j <= m; j++) if (p[j]! > 0) pairs.push(transposed ? [j - 1, p[j]! - 1] : [p[j]! - 1, j - 1]);
  return pairs;
}

function assignGreedily(control: readonly LeftoverElement[], candidate: readonly LeftoverElement[], distance: PairDistance): [number, number][] {
  const edges: { i: number; j: number; d: number }[] = [];
  for (const [a, partners] of proposePartners(control, candidate)) {
    for (const b of partners) {
      const d = distance(a.index, b.index);
      if (Number.isFinite(d)) edges.push({ i: a.index, j: b.index, d });
    }
  }
  // Cheapest first; ties by index distance so equal-cost choices are deterministic and stable.
  edges.sort((x, y) => x.d - y.d || Math.abs(x.i - x.j) - Math.abs(y.i - y.j) || x.i - y.i || x.j - y.j);
  const takenControl = new Set<number>();
  const takenCandidate = new Set<number>();
  const pairs: [number, number][] = [];
  for (const { i, j } of edges) {
    if (takenControl.has(i) || takenCandidate.has(j)) continue;
    takenControl.add(i);
    takenCandidate.add(j);
    pairs.push([i, j]);
  }
  return pairs;
}

function proposePartners(control: readonly LeftoverElement[], candidate: readonly LeftoverElement[]): Map<LeftoverElement, Set<LeftoverElement>> {
  const postings = new Map<string, LeftoverElement[]>();
  for (const b of candidate) {
    for (const feature of b.features) {
      const list = postings.get(feature);
      if (!list) postings.set(feature, [b]);
      else if (list.length <= MAX_POSTING) list.push(b);
    }
  }
  const proposals = new Map<LeftoverElement, Set<LeftoverElement>>();
  for (const a of control) {
    const shared = new Map<LeftoverElement, number>();
    for (const feature of a.features) {
      const list = postings.get(feature);
      if (!list || list.length > MAX_POSTING) continue;
      for (const b of list) shared.set(b, (shared.get(b) ?? 0) + 1);
    }
    const best = [...shared].sort((x, y) => y[1] - x[1]).slice(0, CANDIDATES_BY_FEATURE).map(([b]) => b);
    proposals.set(a, new Set(best));
  }
  addSortedNeighbours(control, candidate, proposals);
  return proposals;
}

/** Elements whose leaves are all common (or all slightly off, as under a tolerance) sort near their partner. */
function addSortedNeighbours(control: readonly LeftoverElement[], candidate: readonly LeftoverElement[], proposals: Map<LeftoverElement, Set<LeftoverElement>>): void {
  const sorted = [...candidate].sort((x, y) => (x.sortKey < y.sortKey ? -1 : x.sortKey > y.sortKey ? 1 : 0));
  for (const a of control) {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (sorted[mid]!.sortKey < a.sortKey) low = mid + 1;
      else high = mid;
    }
    const partners = proposals.get(a)!;
    for (let k = Math.max(0, low - SORTED_NEIGHBOURS); k < Math.min(sorted.length, low + SORTED_NEIGHBOURS); k++) partners.add(sorted[k]!);
  }
}
