// The numbers the demo's one-line summary shows, read from Ficus's own /metrics text (the public
// contract, so the demo needs no hook into the request path): requests by mode, comparisons and
// mismatches, all cumulative since start.

export interface TrafficTotals {
  readonly requests: number;
  readonly byMode: Readonly<Record<string, number>>;
  readonly compared: number;
  readonly mismatches: number;
}

export const NO_TRAFFIC: TrafficTotals = { requests: 0, byMode: {}, compared: 0, mismatches: 0 };

const SAMPLE = /^(ficus_requests_total|ficus_comparisons_total)\{([^}]*)\} ([0-9.eE+-]+)$/;

export function readTrafficTotals(metricsText: string): TrafficTotals {
  let requests = 0;
  let compared = 0;
  let mismatches = 0;
  const byMode: Record<string, number> = {};
  for (const line of metricsText.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const [, name, labels, raw] = match;
    const value = Number(raw);
    if (name === 'ficus_requests_total') {
      const mode = labelValue(labels!, 'mode') ?? 'legacy';
      requests += value;
      byMode[mode] = (byMode[mode] ?? 0) + value;
    } else {
      compared += value;
      if (labelValue(labels!, 'verdict') === 'mismatch') mismatches += value;
    }
  }
  return { requests, byMode, compared, mismatches };
}

function labelValue(labels: string, name: string): string | undefined {
  return new RegExp(`(?:^|,)${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(labels)?.[1];
}
