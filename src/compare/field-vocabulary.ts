// What the documents of one route prove about their keys, so pointer templates keep field names and
// lose values by structure, not by spelling alone (issue 9, Build 6):
// - a key present in two or more elements of one array is a field (every problem has `icd10`);
// - a key the route's own rules name is a field;
// - a position where most documents bring keys never seen there before is a map keyed by data
//   (a surname, an MRN per patient): its keys are data. A record's position stops showing new keys
//   after its first documents (optional fields aside).
// Otherwise a key is a field when spelled as no name is (camelCase, snake_case, a letter-digit mix),
// when it is a word of the data standards (field-words.ts), or when a plain lowercase word recurs
// across documents beside such a field. Recurrence alone is never enough: a patient read again and
// again makes their surname recur. Raw keys stay in this process's memory, bounded; only templates
// ever leave.
import { FIELD_WORDS } from './field-words.ts';
import { isFieldSpelling, isUnambiguousFieldName, positionOf, type FieldEvidence } from './template-pointer.ts';

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
}

interface Position {
  /** key → documents it was seen in at this position. */
  readonly documents: Map<string, number>;
  /** Keys proven within one document (present in two elements of an array). */
  readonly recurring: Set<string>;
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
  const positions = new Map<string, Position>();

  const positionAt = (name: string): Position | undefined => {
    let position = positions.get(name);
    if (!position && positions.size < maxPositions) positions.set(name, (position = { documents: new Map(), recurring: new Set(), visits: 0, novelVisits: 0, full: false }));
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
    for (const [name, keys] of seen) record(name, keys);
  };

  const record = (name: string, keys: ReadonlyMap<string, number>): void => {
    const position = positionAt(name);
    if (!position) return;
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

  const isKnownField = (key: string): boolean => routeWords.has(key) || FIELD_WORDS.has(key) || isUnambiguousFieldName(key);

  return {
    learn,
    judge(position, key) {
      if (routeWords.has(key)) return 'field';
      const known = positions.get(position);
      if (known?.recurring.has(key)) return 'field';
      if (known && isMap(known)) return 'data';
      // Recurrence across documents proves nothing on its own: the same patient read again and
      // again makes their surname "recur". Only spellings a name never has, and the words of the
      // data standards, are fields without the route's own proof.
      if (isKnownField(key)) return 'field';
      // A plain lowercase word that recurs beside a proven field is a field of that record (`beds`
      // beside `ward`); a word alone at its position — a map of one patient's surname — never is.
      if (!known || /^[A-Z]/.test(key) || (known.documents.get(key) ?? 0) < 2) return 'unknown';
      for (const sibling of known.documents.keys()) if (sibling !== key && isKnownField(sibling)) return 'field';
      return 'unknown';
    },
  };
}
