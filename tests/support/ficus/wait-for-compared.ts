// Waits until a route's evidence holds `count` pairs (compared or uncomparable), flushing Ficus's
// buffers between looks, and answers the route's summary as the admin API gives it.
import type { TestFicus } from './test-ficus.ts';

export interface ComparedRoute {
  readonly stats: Record<string, number>;
  readonly readiness: { readonly reasons: string[] };
}

export async function waitForCompared(h: TestFicus, route: string, count: number, attempts = 300): Promise<ComparedRoute> {
  for (let i = 0; i < attempts; i++) {
    await h.ficus.flush();
    const res = await fetch(`${h.adminUrl}/api/routes/${route}`, { headers: { authorization: 'Bearer test-token' } });
    const body = (await res.json()) as ComparedRoute;
    if ((body.stats.compared ?? 0) + (body.stats.uncomparable ?? 0) >= count) return body;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`route ${route} never reached ${count} comparisons`);
}
