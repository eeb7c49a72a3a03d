// What the documents of one route prove about their keys, so pointer templates keep field names and
// lose values by structure, not by spelling (issue 9, Build 6; issue 10's PHI finding):
// - a key the route's own rules name is a field;
// - a key present in two or more elements of one array is a field (every problem has `icd10`);
// - a word of the data standards (field-words.ts) is a field;
// - a key seen in the documents of several distinct records (patients, orders: told apart by the
//   values of their identity fields, `id`, `patientId`, `mrn`, `reference`…) is a field;
// - a position where most documents bring keys never seen there before is a map keyed by data
//   (a surname, an MRN per patient): its keys are data.
// Spelling proves nothing: `janeDoe`, `jane_doe`, `drSmith`, `mrn12` are camelCase, snake_case
// and letter-digit words too, and the same patient read again and again makes their key "recur".
// A key nothing has proven is templated as an unproven key (template-pointer.ts), which the record
// writes as a keyed HMAC: grouped, never in clear. Raw keys stay in this process's memory,
// bounded; only templates ever leave.
import { FIELD_WORDS } from './field-words.ts';
import { isFieldSpelling, positionOf, type FieldEvidence } from './template-pointer.ts';

export interface FieldVocabulary extends FieldEvidence {
  /** Counts the keys of one exchange's documents (control and candidate together are one document). */
  learn(...documents: readonly unknown[]): void;
}

export interface FieldVocabularyOptions {
  /** Keys the route's rules name: fields from the start. */
  readonly routeWords?: Iterable<string>;
  /** Documents after the first a position needs before it can be judged a map. */
  readonly mapAfter?: number;
  readonly maxPositions?: number;
  readonly maxKeysPerPosition?: number;
  /** Keys visited per document at most (a 1M-key body teaches no more than its first keys). */
  readonly maxKeysPerDocument?: number;
  /** Distinct records (by identity fields) a key must be seen in to be a field (default 3). */
  readonly distinctRecords?: number;
}

interface Position {
  /** key → documents it was seen in at this position. */
  readonly documents: Map<string, number>;
  /** Keys proven within one document (present in two elements of an array). */
  readonly recurring: Set<string>;
  /** key → identities of the records it was seen in, up to distinctRecords of them. */
  readonly records: Map<string, Set<string>>;
  /** Documents that visited this position, and those after the first that brought a new key. */
  visits: number;
  novelVisits: number;
  full: boolean;
}

export function createFieldVocabulary(options: FieldVocabularyOptions = {}): FieldVocabulary {
  const routeWords = new Set(options.routeWords ?? []);
  const mapAfter = options.mapAfter ?? 3;
  const maxPositions = options.maxPositions ?? 4_096;
  const maxKeys = options.maxKeysPerPosition ?? 256;
  const maxVisits = options.maxKeysPerDocument ?? 5_000;
  const distinctRecords = options.distinctRecords ?? 3;
  const positions = new Map<string, Position>();

  const positionAt = (name: string): Position | undefined => {
    let position = positions.get(name);
    if (!position && positions.size < maxPositions) positions.set(name, (position = { documents: new Map(), recurring: new Set(), records: new Map(), visits: 0, novelVisits: 0, full: false }));
    return position;
  };

  const learn = (...documents: readonly unknown[]): void => {
    // position → key → elements of one array holding it; one document's keys counted once.
    const seen = new Map<string, Map<string, number>>();
    let budget = maxVisits;
    const visit = (value: unknown, path: string[], inArray: boolean): void => {
      if (value === null || typeof value !== 'object' || budget <= 0) return;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length && budget > 0; i++) {
          path.push('*');
          visit(value[i], path, true);
          path.pop();
        }
        return;
      }
      const name = positionOf(path);
      let keys = seen.get(name);
      if (!keys) seen.set(name, (keys = new Map()));
      for (const [key, child] of Object.entries(value)) {
        if (--budget < 0) return;
        // A data key (an MRN, a bed id) is not counted, but what lies beneath it is: the fields of
        // a map's values (`/beds/*/occupied`) are learned at the map's '*' position.
        if (isFieldSpelling(key)) keys.set(key, (keys.get(key) ?? 0) + (inArray ? 1 : 0));
        path.push(key);
        visit(child, path, false);
        path.pop();
      }
    };
    for (const document of documents) visit(document, [], false);
    const identity = recordIdentity(documents);
    for (const [name, keys] of seen) record(name, keys, identity);
  };

  const record = (name: string, keys: ReadonlyMap<string, number>, identity: string | null): void => {
    const position = positionAt(name);
    if (!position) return;
    if (identity !== null) {
      for (const key of keys.keys()) {
        let identities = position.records.get(key);
        if (!identities && position.records.size < maxKeys) position.records.set(key, (identities = new Set()));
        if (identities && identities.size < distinctRecords) identities.add(identity);
      }
    }
    let novel = false;
    for (const [key, elements] of keys) {
      if (elements >= 2) position.recurring.add(key);
      const before = position.documents.get(key);
      if (before === undefined && position.documents.size >= maxKeys) {
        position.full = true;
        continue;
      }
      position.documents.set(key, (before ?? 0) + 1);
      novel ||= before === undefined;
    }
    if (novel && position.visits > 0) position.novelVisits++;
    position.visits++;
  };

  const isMap = (position: Position): boolean =>
    position.full || (position.visits - 1 >= mapAfter && position.novelVisits * 2 >= position.visits - 1);

  return {
    learn,
    judge(position, key) {
      if (routeWords.has(key)) return 'field';
      const known = positions.get(position);
      if (known?.recurring.has(key)) return 'field';
      if (known && isMap(known)) return 'data';
      if (FIELD_WORDS.has(key)) return 'field';
      // Seen in the documents of several records: a field of that kind of record. One patient read
      // again and again is one record, however often.
      // A capitalised key is a name's spelling: distinct records do not prove it (an upstream that
      // answers every id with the same patient would), only the rules, the standards or an array.
      if (!/^[A-Z]/.test(key) && (known?.records.get(key)?.size ?? 0) >= distinctRecords) return 'field';
      return 'unknown';
    },
  };
}

/** Keys whose values tell one record from another (a patient, an order, a resource). */
const IDENTITY_KEY = /^(?:id|mrn|reference|patient|subject|patientRef|[A-Za-z]+(?:Id|_id|ID))$/;
const MAX_IDENTITY_VALUES = 32;

/**
 * The identity of the record a response describes: the values of its identity fields that both
 * documents of the exchange carry (legacy's and the new service's answer to one request agree on
 * the patient's id; a per-call requestId or traceId differs between them and drops out), sorted,
 * bounded. Null when there is none: such documents prove nothing across records.
 */
function recordIdentity(documents: readonly unknown[]): string | null {
  const sides = documents.map(identityValues);
  const shared = (pick: (values: IdentityValues) => Set<string>): string[] => {
    const [first, ...others] = sides.map(pick);
    return first ? [...first].filter((value) => others.every((other) => other.has(value))).sort() : [];
  };
  // The patient, when the documents name one: a record id that changes while the patient's MRN
  // stays (an upstream answering every id with the same chart) is still one patient.
  const patient = shared((v) => v.patient);
  const any = patient.length > 0 ? patient : shared((v) => v.all);
  return any.length > 0 ? any.join('\u0000') : null;
}

interface IdentityValues {
  readonly patient: Set<string>;
  readonly all: Set<string>;
}

const PATIENT_KEY = /^(?:mrn|patientId|patient_id|patientRef)$/i;

function identityValues(document: unknown): IdentityValues {
  const found: IdentityValues = { patient: new Set(), all: new Set() };
  const visit = (value: unknown, depth: number): void => {
    if (found.all.size >= MAX_IDENTITY_VALUES || depth > 6 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (IDENTITY_KEY.test(key) && (typeof child === 'string' || typeof child === 'number')) {
        const entry = `${key}=${child}`;
        found.all.add(entry);
        if (PATIENT_KEY.test(key) || (key === 'reference' && String(child).startsWith('Patient/'))) found.patient.add(entry);
      } else visit(child, depth + 1);
    }
  };
  visit(document, 0);
  return found;
}
