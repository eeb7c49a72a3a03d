// The ward census report: JSON the monolith compresses itself (an old servlet filter), so the
// comparison must decode Content-Encoding before it can compare bodies.
import { gzipSync } from 'node:zlib';
import type { Route, RouteContext } from '../shared/router.ts';
import { sendBody } from '../shared/respond.ts';
import { seededRandom } from '../shared/prng.ts';
import { DATASET_SEED, PATIENT_COUNT } from '../data/seed.ts';

export interface CensusDeps {
  readonly now: () => Date;
}

const WARDS = ['1A Cardiology', '2B Surgery', '3C Medicine', '4B Geriatrics', 'ED', 'ICU'];

export function censusRoutes(deps: CensusDeps): Route[] {
  return [{ method: 'GET', path: /^\/reports\/census$/, handle: (c) => answerCensus(deps, c) }];
}

export function censusReport(at: Date): Record<string, unknown> {
  const random = seededRandom(`${DATASET_SEED}:census`);
  const wards = WARDS.map((name) => {
    const beds = 12 + Math.floor(random() * 24);
    return { ward: name, beds, occupied: Math.floor(beds * (0.6 + random() * 0.4)) };
  });
  return { generatedAt: at.toISOString(), patients: PATIENT_COUNT, wards };
}

function answerCensus({ now }: CensusDeps, { req, res }: RouteContext): void {
  const json = Buffer.from(JSON.stringify(censusReport(now())), 'utf8');
  if (!acceptsGzip(req.headers['accept-encoding'])) return sendBody(res, 200, 'application/json; charset=utf-8', json, { vary: 'Accept-Encoding' });
  const body = gzipSync(json);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip', vary: 'Accept-Encoding', 'content-length': body.length });
  res.end(body);
}

/** RFC 9110 §12.5.3: no Accept-Encoding means any coding is acceptable; q=0 means refused. */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return true;
  return header.split(',').some((item) => {
    const [coding = '', ...params] = item.trim().toLowerCase().split(';');
    const refused = params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
    return (coding === 'gzip' || coding === 'x-gzip' || coding === '*') && !refused;
  });
}
