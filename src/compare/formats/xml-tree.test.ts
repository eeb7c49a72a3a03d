import { describe, expect, it } from 'vitest';
import { compileCompareRules } from '../compile-compare-rules.ts';
import { diffJson } from '../diff-json.ts';
import { alignFhirXmlWithJson } from './fhir-xml-to-json.ts';
import { alignXmlShapes, parseXml } from './xml-tree.ts';

const treeOf = (text: string) => {
  const parsed = parseXml(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.tree;
};
const rules = () => compileCompareRules({}, { baseDir: import.meta.dirname });
const diff = async (a: unknown, b: unknown) => diffJson(a, b, (await rules()).root).map((d) => `${d.pointer} ${d.kind}`);

const cda = (extension: string, prefix = '') => `<?xml version="1.0"?>
<${prefix}ClinicalDocument xmlns${prefix ? ':' + prefix.slice(0, -1) : ''}="urn:hl7-org:v3">
  <${prefix}recordTarget><${prefix}patientRole>
    <${prefix}id root="2.16.840.1.113883.19.5" extension="${extension}"/>
    <${prefix}patient><${prefix}name><${prefix}family>Quigglesworth</${prefix}family></${prefix}name></${prefix}patient>
  </${prefix}patientRole></${prefix}recordTarget>
</${prefix}ClinicalDocument>`;

describe('parseXml', () => {
  it('a CDA pair differing in one attribute reports exactly that attribute by element path', async () => {
    expect(await diff(treeOf(cda('MRN-CANARY-1')), treeOf(cda('MRN-CANARY-2')))).toEqual([
      '/ClinicalDocument/recordTarget/patientRole/id/@extension changed',
    ]);
  });

  it('the same document under another namespace prefix compares equal', async () => {
    expect(await diff(treeOf(cda('X')), treeOf(cda('X', 'cda:')))).toEqual([]);
  });

  it('one side with two repeated elements and the other with one is an array difference, not a type change', async () => {
    const [a, b] = alignXmlShapes(treeOf('<r><entry>a</entry></r>'), treeOf('<r><entry>a</entry><entry>b</entry></r>'));
    expect(await diff(a, b)).toEqual(['/r/entry/1 added']);
  });

  it('refuses what is not XML and an entity expansion bomb', () => {
    expect(parseXml('{"a":1}')).toEqual({ ok: false, reason: 'not-xml' });
    const laughs = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
      + Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${('&' + String.fromCharCode(97 + i) + ';').repeat(10)}">`).join('')
      + ']><l>&j;</l>';
    const parsed = parseXml(laughs);
    expect(parsed.ok && JSON.stringify(parsed.tree).length > 100_000).toBe(false);
  });

  it('bounds depth', () => {
    const deep = '<a>'.repeat(500) + '</a>'.repeat(500);
    expect(parseXml(deep, { maxDepth: 64, maxElements: 1000 }).ok).toBe(false);
  });
});

describe('FHIR XML against FHIR JSON', () => {
  const xml = `<Patient xmlns="http://hl7.org/fhir">
    <id value="pat-1"/>
    <text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml">Jane</div></text>
    <active value="true"/>
    <name><family value="Quigglesworth"/><given value="Zebulon"/><given value="Q"/></name>
    <birthDate value="1970-01-01"/>
    <multipleBirthInteger value="2"/>
  </Patient>`;
  const json = {
    resourceType: 'Patient', id: 'pat-1', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Jane</div>' }, active: true,
    name: [{ family: 'Quigglesworth', given: ['Zebulon', 'Q'] }], birthDate: '1970-01-01', multipleBirthInteger: 2,
  };

  it('the XML and JSON forms of the same Patient compare equal', async () => {
    const [a, b] = alignFhirXmlWithJson(treeOf(xml), json);
    expect(await diff(a, b)).toEqual([]);
  });

  it('a changed birthDate in the JSON form is one difference at its JSON pointer', async () => {
    const [a, b] = alignFhirXmlWithJson(treeOf(xml), { ...json, birthDate: '1970-01-02' });
    expect(await diff(a, b)).toEqual(['/birthDate changed']);
  });

  it('an unordered array in another order reports the removed element or field, not a type difference in the element it was paired with', async () => {
    // Regression (bench:evidence, fhir xml/json): XML elements were aligned with the JSON element
    // at the same index, so an element past the JSON array's length, or one whose partner lacked
    // `rank`, kept its number as a string, and the similarity matcher then reported
    // /telecom/*/rank as a type change.
    const telecom = (n: number) => Array.from({ length: n }, (_, i) => `<telecom><value value="555-01${i}"/><rank value="${i + 1}"/></telecom>`).join('');
    const xmlTree = treeOf(`<Patient xmlns="http://hl7.org/fhir">${telecom(3)}</Patient>`);
    const unordered = await compileCompareRules({ arrays: { '/telecom': 'unordered' } }, { baseDir: import.meta.dirname });
    const differences = (json: unknown) => {
      const [a, b] = alignFhirXmlWithJson(xmlTree, json);
      return diffJson(a, b, unordered.root).map((d) => `${d.pointer} ${d.kind}`);
    };
    expect(differences({ resourceType: 'Patient', telecom: [{ value: '555-012', rank: 3 }, { value: '555-011', rank: 2 }] })).toEqual(['/telecom/0 removed']);
    expect(differences({ resourceType: 'Patient', telecom: [{ value: '555-012', rank: 3 }, { value: '555-010', rank: 1 }, { value: '555-011' }] })).toEqual(['/telecom/1/rank removed']);
  });

  it('unwraps resources inside Bundle entries', async () => {
    const bundle = '<Bundle xmlns="http://hl7.org/fhir"><type value="searchset"/><entry><resource><Patient><id value="p1"/></Patient></resource></entry></Bundle>';
    const [a, b] = alignFhirXmlWithJson(treeOf(bundle), { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: { resourceType: 'Patient', id: 'p1' } }] });
    expect(await diff(a, b)).toEqual([]);
  });
});

describe('templateXmlPointer', () => {
  it('keeps schema names, capitalised ones too, and templates MRN-like element names and indices', async () => {
    const { templateXmlPointer } = await import('./template-xml-pointer.ts');
    expect(templateXmlPointer('/ClinicalDocument/recordTarget/patientRole/id/@extension')).toBe('/ClinicalDocument/recordTarget/patientRole/id/@extension');
    expect(templateXmlPointer('/Patients/MRN004417/name/0/#text')).toBe('/Patients/*/name/*/#text');
    // A capitalised surname as an element name is data (issue 10 PHI finding); SOAP's and FHIR's capitalised names are not.
    expect(templateXmlPointer('/Patients/Quigglesworth/phone')).toBe('/Patients/*/phone');
    expect(templateXmlPointer('/Envelope/Body/GetPatientResponse/Quigglesworth')).toBe('/Envelope/Body/*/*');
    expect(templateXmlPointer('/Bundle/entry/0/resource/Patient/birthDate/@value')).toBe('/Bundle/entry/*/resource/Patient/birthDate/@value');
  });
});
