// The `compare:` block of a route file. Everything syntactic (pointer syntax, tolerance ranges) is
// checked here, so a route loader that embeds this schema reports the offending key by itself;
// compileCompareRules adds only what needs I/O (loading the route's comparator module).
import { z } from 'zod';
import { parsePointer, parseRelativePointer } from './pointer.ts';

/** Body difference kinds an ignore rule can be restricted to. */
export const BODY_DIFFERENCE_KINDS = ['changed', 'added', 'removed', 'type', 'precision'] as const;
export type BodyDifferenceKind = (typeof BODY_DIFFERENCE_KINDS)[number];

const pointerSchema = z.string().superRefine((value, ctx) => {
  const parsed = parsePointer(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
});

const relativePointerSchema = z.string().superRefine((value, ctx) => {
  const parsed = parseRelativePointer(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
});

/**
 * How bodies are read. Without it, by Content-Type. `fhir`: JSON or FHIR XML by Content-Type, XML
 * turned into the FHIR JSON shape, so a resource served as XML by one side and JSON by the other
 * compares equal when it is the same resource.
 */
export const COMPARE_FORMATS = ['json', 'hl7v2', 'xml', 'text', 'fhir'] as const;

const fractionSchema = z.number().min(0).max(1);
const toleranceSchema = z.number().finite().nonnegative();

const ignoreEntrySchema = z.union([
  pointerSchema,
  z.strictObject({ pointer: pointerSchema, kinds: z.array(z.enum(BODY_DIFFERENCE_KINDS)).min(1) }),
]);

const arrayPolicySchema = z.union([
  z.enum(['ordered', 'unordered']),
  // One field, or a list of fields identifying an element together (a composite key).
  z.strictObject({ keyed: z.union([relativePointerSchema, z.array(relativePointerSchema).min(1)]) }),
]);

export const compareConfigSchema = z.strictObject({
  /** Fraction of eligible requests mirrored; dispatch applies it. */
  sample: fractionSchema.optional(),
  /** Response headers compared (names case-insensitive). Default: content-type. */
  headers: z.array(z.string().min(1)).optional(),
  ignore: z.array(ignoreEntrySchema).optional(),
  arrays: z.record(pointerSchema, arrayPolicySchema).optional(),
  tolerance: z
    .strictObject({
      /** Absolute tolerance per pointer. */
      numeric: z.record(pointerSchema, toleranceSchema).optional(),
      /** Milliseconds per pointer; both sides must parse as dates. */
      timestamp: z.record(pointerSchema, toleranceSchema).optional(),
    })
    .optional(),
  /** Numbers compared by their written form too (FHIR: `0.010` ≠ `0.01`), reported as kind 'precision'. */
  precision: z.boolean().optional(),
  /** Pointers compared for presence and JSON type only. */
  shape: z.array(pointerSchema).optional(),
  /** Module path, resolved from the route file's directory. */
  comparator: z.string().min(1).optional(),
  /** Rules for a data standard, merged before the route's own (see presets/fhir-r4.ts). */
  preset: z.enum(['fhir-r4', 'fhir-r4-searchset']).optional(),
  format: z.enum(COMPARE_FORMATS).optional(),
  /** HL7 v2 bodies ignore MSH-7 (message time) and MSH-10 (control id) unless this is false. */
  hl7DefaultIgnores: z.boolean().optional(),
  /**
   * Text fields compared by the clinical facts they state rather than their wording (JSON pointers,
   * `*` for every match; '' for a whole text/* body). Differences are at <pointer>/@fact/<category>.
   */
  facts: z.array(pointerSchema).optional(),
  /** File of medication names (one a line, # comments), resolved from the route file's directory. */
  formulary: z.string().min(1).optional(),
  /** Opt-in legacy-twice sampling for noise learning; dispatch applies it. */
  noise: z.strictObject({ sample: fractionSchema }).optional(),
  /** Bounds of one comparison (defaults: compareLimits.ts DEFAULT_COMPARE_LIMITS). */
  limits: z
    .strictObject({
      decodedBytes: z.number().int().positive().max(256 * 1024 * 1024).optional(),
      depth: z.number().int().positive().max(10_000).optional(),
      keys: z.number().int().positive().max(50_000_000).optional(),
      elements: z.number().int().positive().max(50_000_000).optional(),
      differences: z.number().int().positive().max(100_000).optional(),
      timeMs: z.number().int().positive().max(600_000).optional(),
    })
    .optional(),
});

export type CompareConfig = z.infer<typeof compareConfigSchema>;
export type ArrayPolicyConfig = z.infer<typeof arrayPolicySchema>;
export type IgnoreEntryConfig = z.infer<typeof ignoreEntrySchema>;
