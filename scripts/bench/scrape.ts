// Reads numbers from Ficus's Prometheus /metrics (admin port): the event-loop delay window and
// counters summed over their labels.
export async function scrapeMetrics(adminUrl: string): Promise<string> {
  const res = await fetch(`${adminUrl}/metrics`);
  return res.text();
}

/** Sum of every series of `name` (any labels) in a Prometheus text exposition. */
export function sumOf(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sum;
}

/** ficus_event_loop_delay_seconds by stat (p50, p99, max) since the previous scrape. */
export function eventLoopDelayOf(text: string): { p50?: number; p99?: number; max?: number } {
  const out: Record<string, number> = {};
  for (const match of text.matchAll(/^ficus_event_loop_delay_seconds\{stat="(\w+)"\} (\S+)$/gm)) out[match[1]!] = Number(match[2]);
  return out;
}
