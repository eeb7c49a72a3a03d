import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyDemo } from './server.ts';
import { MONDAY, request } from '../testing/request.ts';

const ADT_A01 = [
  'MSH|^~\\&|ADMIT|KLINIKUM SÜD|EHRCORE|HAUS 4|20260302093000||ADT^A01^ADT_A01|MSG00042|P|2.5.1',
  'EVN|A01|20260302093000',
  'PID|1||MRN-00004417^^^EHR^MR||Müller^Jörg||19610412|M',
].join('\r');

describe('legacy HL7 v2 ADT intake', () => {
  let legacy: Awaited<ReturnType<typeof startLegacyDemo>>;
  beforeAll(async () => {
    legacy = await startLegacyDemo({ now: () => MONDAY });
  });
  afterAll(() => legacy.close());

  const post = (message: string) => request(`${legacy.url}/hl7/adt`, {
    method: 'POST',
    headers: { 'content-type': 'application/hl7-v2; charset=ISO-8859-1' },
    body: Buffer.from(message, 'latin1'),
  });

  it('acknowledges with AA and the original control id, segments separated by CR', async () => {
    const response = await post(ADT_A01);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/hl7-v2; charset=ISO-8859-1');
    const segments = response.body.toString('latin1').split('\r');
    expect(segments[0]).toBe('MSH|^~\\&|EHRCORE|HAUS 4|ADMIT|KLINIKUM SÜD|20260302093000||ACK^A01^ACK|ACK000001|P|2.5.1');
    expect(segments[1]).toBe('MSA|AA|MSG00042|ADT A01 accepted for Müller');
  });

  it('answers in Latin-1 bytes, never UTF-8 re-encoded', async () => {
    const { body } = await post(ADT_A01);
    const mueller = body.indexOf(Buffer.from('M\u00fcller', 'latin1'));
    expect(mueller).toBeGreaterThan(0);
    expect(body[mueller + 1]).toBe(0xfc);
    expect(body.includes(Buffer.from('ü', 'utf8'))).toBe(false);
  });

  it('rejects a message without MSH with an AR acknowledgement', async () => {
    const response = await post('PID|1||X');
    expect(response.body.toString('latin1')).toMatch(/\rMSA\|AR\|\|/);
  });

  it('refuses a body that is not HL7 v2 with 415', async () => {
    const response = await request(`${legacy.url}/hl7/adt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(415);
  });
});
