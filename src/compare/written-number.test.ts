// Decimal precision where the data standard says it matters (issue 9, Build 7).
import { describe, expect, it } from 'vitest';
import { compareResponses } from './compare-responses.ts';
import { compileCompareRules, type CompareRules } from './compile-compare-rules.ts';
import type { CapturedResponse } from './types.ts';
import { parseJsonWritten, WrittenNumber } from './written-number.ts';

/** Raw JSON text: the written form is the point, so no JSON.stringify. */
const body = (text: string): CapturedResponse => ({ status: 200, headers: { 'content-type': 'application/fhir+json' }, body: Buffer.from(text), truncated: false });
const rulesFor = (config: unknown): Promise<CompareRules> => compileCompareRules(config, { baseDir: '.' });
const found = (control: string, candidate: string, rules: CompareRules) =>
  compareResponses(body(control), body(candidate), rules).differences.map((d) => `${d.kind} ${d.pointer}`);

describe('numbers compared by their written form', () => {
  it('reports 0.010 against 0.01 as precision when the route asks', async () => {
    const rules = await rulesFor({ precision: true });
    expect(found('{"valueQuantity":{"value":0.010,"unit":"mg"}}', '{"valueQuantity":{"value":0.01,"unit":"mg"}}', rules)).toEqual(['precision /valueQuantity/value']);
  });

  it('does not report precision when the route does not ask', async () => {
    const rules = await rulesFor({});
    expect(compareResponses(body('{"value":0.010}'), body('{"value":0.01}'), rules).verdict).toBe('match');
  });

  it('matches the same written form, and reports a changed value as changed, not precision', async () => {
    const rules = await rulesFor({ precision: true });
    expect(compareResponses(body('{"value": 1.50, "n": 2}'), body('{"n":2,"value":1.50}'), rules).verdict).toBe('match');
    expect(found('{"value":1.50}', '{"value":1.6}', rules)).toEqual(['changed /value']);
    expect(found('{"value":1.50}', '{"value":"1.50"}', rules)).toEqual(['type /value']);
  });

  it('reports no precision difference for values apart within a tolerance', async () => {
    const rules = await rulesFor({ precision: true, tolerance: { numeric: { '/value': 0.01 } } });
    expect(found('{"value":1.500}', '{"value":1.5001}', rules)).toEqual([]);
  });

  it('matches written numbers inside unordered arrays, and can ignore precision by kind', async () => {
    const rules = await rulesFor({ precision: true, arrays: { '/doses': 'unordered' }, ignore: [{ pointer: '/approx', kinds: ['precision'] }] });
    expect(found('{"doses":[0.50,1.0,2],"approx":1.0}', '{"doses":[2,1.0,0.5],"approx":1}', rules)).toEqual(['precision /doses/0']);
  });

  it('keeps plain numbers plain and wraps only non-canonical ones', () => {
    expect(parseJsonWritten('{"a":1,"b":0.5,"c":0.50,"d":1e3,"e":[-0]}')).toEqual({ a: 1, b: 0.5, c: new WrittenNumber('0.50', 0.5), d: new WrittenNumber('1e3', 1000), e: [new WrittenNumber('-0', -0)] });
  });
});
