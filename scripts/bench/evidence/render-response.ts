// How each side answers one case. Legacy: the agreed document plus its per-call noise, with the
// arrays it cannot keep in order shuffled on every call. New: the case's document (with any
// injected differences), its own noise, its own order for arrays declared or learned as
// order-free, and numbers and times that differ from legacy's only within the declared tolerances.
import { int, uuid } from './clinical-values.ts';
import type { Json, JsonObject, RouteSpec, WireCall } from './route-spec.ts';
import { readValue, visitPointer, writeValue } from './visit-pointer.ts';

export interface Rendered {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

/** A side's clock: every call is at least a second after the previous one, so timestamps always move. */
export interface CallClock {
  next(): number;
}

export function createCallClock(startMs: number): CallClock {
  let calls = 0;
  return { next: () => startMs + ++calls * 1_000 };
}

export function renderLegacy(spec: RouteSpec, base: JsonObject, random: () => number, clock: CallClock): Rendered {
  const doc = structuredClone(base);
  const callMs = clock.next();
  applyNoise(doc, spec, random, callMs);
  for (const pointer of spec.shuffled) reorder(doc, pointer, (items) => shuffle(items, random));
  return writeBody(doc, spec, spec.headers, { side: 'legacy', random, callMs });
}

/** The document on the wire: JSON by default, else the route's wire format (its own Content-Type). */
function writeBody(doc: JsonObject, spec: RouteSpec, headers: Readonly<Record<string, string>>, call: WireCall): Rendered {
  if (!spec.wire) return { status: 200, headers, body: writeJson(doc, spec) };
  const { body, contentType } = spec.wire.write(doc, call);
  return { status: 200, headers: { ...headers, 'content-type': contentType }, body };
}

/** Marks a number to be written exactly as `text` (JSON.stringify cannot write `25.50`). */
export function writtenNumber(text: string): string {
  return `${WRITTEN}${text}`;
}

const WRITTEN = '\u0000written:';

function writeJson(doc: Json, spec: RouteSpec): string {
  for (const [pointer, places] of Object.entries(spec.written)) {
    visitPointer(doc, pointer, (at) => {
      const value = readValue(at);
      if (typeof value === 'number') writeValue(at, writtenNumber(value.toFixed(places)));
    });
  }
  return JSON.stringify(doc).replace(/"\\u0000written:([-+.\deE]+)"/g, '$1');
}

export interface NewAnswer {
  readonly doc: JsonObject;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
}

export function renderNew(spec: RouteSpec, answer: NewAnswer, random: () => number, clock: CallClock): Rendered {
  if (answer.status !== 200) {
    return { status: answer.status, headers: answer.headers, body: JSON.stringify({ error: 'unavailable', status: answer.status }) };
  }
  const doc = structuredClone(answer.doc);
  jitter(doc, spec, random);
  const callMs = clock.next();
  applyNoise(doc, spec, random, callMs);
  for (const pointer of [...spec.unordered, ...Object.keys(spec.keyed)]) reorder(doc, pointer, (items) => items.reverse());
  for (const pointer of spec.shuffled) reorder(doc, pointer, (items) => shuffle(items, random));
  return writeBody(doc, spec, answer.headers, { side: 'new', random, callMs });
}

function applyNoise(doc: Json, spec: RouteSpec, random: () => number, callMs: number): void {
  for (const field of spec.noise) {
    visitPointer(doc, field.pointer, (at) => {
      if (field.kind === 'timestamp') writeValue(at, new Date(callMs + int(random, 0, 999)).toISOString());
      else if (field.kind === 'uuid') writeValue(at, uuid(random));
      else if (field.kind === 'number') writeValue(at, int(random, 1, 5_000));
      else if (random() < 0.5) writeValue(at, 'cache-hit');
      else if (!Array.isArray(at.parent)) delete at.parent[at.key];
    }, { includeMissing: true });
  }
}

function jitter(doc: Json, spec: RouteSpec, random: () => number): void {
  // 0.4 of the tolerance at most: inside it with room, never on its edge.
  for (const [pointer, tolerance] of Object.entries(spec.numeric)) {
    visitPointer(doc, pointer, (at) => {
      const value = readValue(at);
      if (typeof value === 'number') writeValue(at, Number((value + (random() - 0.5) * 0.8 * tolerance).toFixed(9)));
    });
  }
  for (const [pointer, toleranceMs] of Object.entries(spec.timestamp)) {
    visitPointer(doc, pointer, (at) => {
      const value = readValue(at);
      const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (Number.isFinite(ms)) writeValue(at, new Date(ms + Math.round((random() - 0.5) * 0.8 * toleranceMs)).toISOString());
    });
  }
}

function reorder(doc: Json, pointer: string, change: (items: Json[]) => void): void {
  visitPointer(doc, pointer, (at) => {
    const items = readValue(at);
    if (Array.isArray(items)) change(items);
  });
}

function shuffle(items: Json[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
