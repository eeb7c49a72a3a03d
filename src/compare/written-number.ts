// Numbers as written, for routes whose data standard says the written form is significant: FHIR
// decimals keep their precision (R4 §2.1.28.0.1: `0.010` is not `0.01`), which JSON.parse loses.
// Node 24's JSON.parse hands the reviver each number's source text, so no second parser is needed.
// Only a number whose text differs from how JavaScript would write it back is wrapped: the tree
// keeps plain numbers everywhere else, and an equal pair still passes the deep-equality gate.

/** A JSON number whose source text is not its canonical form (`0.010`, `1.0`, `1e3`). */
export class WrittenNumber {
  /** The number exactly as the body wrote it. */
  readonly text: string;
  readonly value: number;
  constructor(text: string, value: number) {
    this.text = text;
    this.value = value;
  }
}

/** JSON.parse that keeps the written form of numbers where it differs from the canonical one. */
export function parseJsonWritten(text: string): unknown {
  return JSON.parse(text, (_key: string, value: unknown, context?: { readonly source?: string }) =>
    typeof value === 'number' && context?.source !== undefined && context.source !== JSON.stringify(value) ? new WrittenNumber(context.source, value) : value,
  ) as unknown;
}

/** The number's value, whether written canonically or not; other values unchanged. */
export function numericValue(value: unknown): unknown {
  return value instanceof WrittenNumber ? value.value : value;
}

/** The text a number was written as (the canonical text when it was not wrapped). */
export function writtenForm(value: unknown): string {
  return value instanceof WrittenNumber ? value.text : JSON.stringify(value);
}
