import { describe, expect, it } from 'vitest';
import { compileCompareRules } from '../compile-compare-rules.ts';
import { diffJson } from '../diff-json.ts';
import { HL7_DEFAULT_IGNORES, parseHl7v2, templateHl7Pointer, unescapeHl7 } from './hl7v2-tree.ts';

const adt = (opts: { time: string; control: string; family: string; glucose: string }) => [
  `MSH|^~\\&|LEGACY|GENERAL|FICUS|GENERAL|${opts.time}||ORU^R01^ORU_R01|${opts.control}|P|2.5.1`,
  `PID|1||MRN-CANARY-4411^^^GEN^MR||${opts.family}^JANE^Q||19700101|F`,
  'OBR|1|||24331-1^Lipid panel^LN',
  'OBX|1|NM|2345-7^Glucose^LN||' + opts.glucose + '|mg/dL|70-99|N|||F',
  'OBX|2|NM|2093-3^Cholesterol^LN||180|mg/dL|<200|N|||F',
].join('\r') + '\r';

const treeOf = (text: string) => {
  const parsed = parseHl7v2(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.tree;
};

describe('parseHl7v2', () => {
  it('addresses PID-5.1 as /PID/0/5/0/1 and keeps MSH-1/MSH-2 as written', () => {
    const tree = treeOf(adt({ time: '20261130101500', control: 'C1', family: 'DOE', glucose: '95' }));
    expect(tree.PID?.[0]?.['5']).toEqual([{ '1': 'DOE', '2': 'JANE', '3': 'Q' }]);
    expect(tree.MSH?.[0]?.['1']).toBe('|');
    expect(tree.MSH?.[0]?.['2']).toBe('^~\\&');
    expect(tree.MSH?.[0]?.['9']).toEqual([{ '1': 'ORU', '2': 'R01', '3': 'ORU_R01' }]);
    expect(tree.OBX).toHaveLength(2);
  });

  it('an ORU pair differing in PID-5 and one OBX-5, with other MSH-7 and MSH-10, reports exactly those two', async () => {
    const rules = await compileCompareRules({ ignore: [...HL7_DEFAULT_IGNORES] }, { baseDir: import.meta.dirname });
    const control = treeOf(adt({ time: '20261130101500', control: 'C1', family: 'DOE', glucose: '95' }));
    const candidate = treeOf(adt({ time: '20261130101502', control: 'C2', family: 'ROE', glucose: '96' }));
    const differences = diffJson(control, candidate, rules.root).map((d) => `${templateHl7Pointer(d.pointer)} ${d.kind}`);
    expect(differences.sort()).toEqual(['/OBX/*/5/*/1 changed', '/PID/*/5/*/1 changed']);
  });

  it('treats trailing empty components and fields as absent, as HL7 does', () => {
    const a = treeOf('MSH|^~\\&|A\rPID|1||X||DOE^^\r');
    const b = treeOf('MSH|^~\\&|A\rPID|1||X||DOE|||\r');
    expect(a).toEqual(b);
  });

  it('decodes escaped delimiters so an escaped ^ is data, not a component break', () => {
    const tree = treeOf('MSH|^~\\&|A\rNTE|1||Dose 5\\S\\10 mg \\T\\ \\F\\ \\R\\ \\E\\\r');
    expect(tree.NTE?.[0]?.['3']).toEqual([{ '1': 'Dose 5^10 mg & | ~ \\' }]);
  });

  it('reads custom delimiters from MSH-1 and MSH-2', () => {
    const tree = treeOf('MSH#*!%@#A\rPID#1##X##DOE*JANE!ROE*JOHN\r');
    expect(tree.PID?.[0]?.['5']).toEqual([{ '1': 'DOE', '2': 'JANE' }, { '1': 'ROE', '2': 'JOHN' }]);
  });

  it('keeps ISO-8859-1 names exact, including hex escapes', () => {
    const bytes = Buffer.from('MSH|^~\\&|A\rPID|1||X||M\xfcller^J\\XE9\\r\xf4me\r', 'latin1');
    const tree = treeOf(bytes.toString('latin1'));
    expect(tree.PID?.[0]?.['5']).toEqual([{ '1': 'Müller', '2': 'Jérôme' }]);
  });

  it('splits subcomponents and collapses a lone first subcomponent to its string', () => {
    const tree = treeOf('MSH|^~\\&|A\rPID|1||123^^^HOSP&1.2.3&ISO^MR||DOE&\r');
    expect(tree.PID?.[0]?.['3']).toEqual([{ '1': '123', '4': { '1': 'HOSP', '2': '1.2.3', '3': 'ISO' }, '5': 'MR' }]);
    expect(tree.PID?.[0]?.['5']).toEqual([{ '1': 'DOE' }]);
  });

  it('refuses what is not v2 and bounds the number of segments', () => {
    expect(parseHl7v2('{"resourceType":"Patient"}')).toEqual({ ok: false, reason: 'not-hl7v2' });
    expect(parseHl7v2('MSH|^~\\&|A\rpid|1\r')).toEqual({ ok: false, reason: 'not-hl7v2' });
    const many = 'MSH|^~\\&|A\r' + 'OBX|1|NM\r'.repeat(20);
    expect(parseHl7v2(many, { maxSegments: 10 })).toEqual({ ok: false, reason: 'hl7v2-too-large' });
  });

  it('leaves formatting escapes and unknown sequences as written', () => {
    const d = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };
    expect(unescapeHl7('line\\.br\\two \\H\\bold\\N\\ end\\', d)).toBe('line\\.br\\two \\H\\bold\\N\\ end\\');
  });
});

describe('templateHl7Pointer', () => {
  it('keeps segment ids and field/component numbers, templates occurrences and repetitions', () => {
    expect(templateHl7Pointer('/PID/0/5/1/2')).toBe('/PID/*/5/*/2');
    expect(templateHl7Pointer('/OBX/12/5/0/1/3')).toBe('/OBX/*/5/*/1/3');
    expect(templateHl7Pointer('/pid/0/MRN-123')).toBe('/*/*/*');
  });
});
