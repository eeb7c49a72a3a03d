// What reaches the store is only the PHI-safe DifferenceRecord: a templated pointer, kinds, types
// and keyed HMACs. This test plants recognisable patient values, HMACs them as the compare room
// does, records the result, and searches the SQLite file's bytes (database and WAL) for them.
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DifferenceRecord } from '../../src/compare/types.ts';
import { listDifferences, openStore, recordDifferences } from '../../src/store/index.ts';
import { sqliteDir } from '../support/store/engines.ts';

const CANARIES = { family: 'Canaryfield-Zebediah', birthDate: '1961-04-12', mrn: 'MRN-CANARY-0042' } as const;
const secret = Buffer.alloc(32, 7);
const hmac = (value: unknown) => createHmac('sha256', secret).update(JSON.stringify(value)).digest('hex');

describe('PHI canary', () => {
  const dir = sqliteDir();
  const path = join(dir, 'ficus.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores difference records that round-trip without any of the values they describe', async () => {
    const store = await openStore({ url: `sqlite:${path}` });
    const records: DifferenceRecord[] = [
      { route: 'patient-read', source: 'shadow', pointer: '/name/*/family', kind: 'changed', controlType: 'string', candidateType: 'string', controlHmac: hmac(CANARIES.family), candidateHmac: hmac(`${CANARIES.family} `), keyId: 'k1' },
      { route: 'patient-read', source: 'shadow', pointer: '/birthDate', kind: 'changed', controlType: 'string', candidateType: 'string', controlHmac: hmac(CANARIES.birthDate), candidateHmac: hmac('1961-04-13'), keyId: 'k1' },
      { route: 'patient-read', source: 'noise', pointer: '/identifier/*/value', kind: 'removed', controlType: 'string', candidateType: 'absent', controlHmac: hmac(CANARIES.mrn), candidateHmac: null, keyId: 'k1' },
    ];
    await recordDifferences(store.db, records.map((record) => ({ record, count: 1, seenAt: new Date('2026-05-01T10:00:00Z'), traceId: '4bf92f3577b34da6a3ce929d0e0e4736' })));

    const rows = await listDifferences(store.db, { route: 'patient-read' });
    expect(rows.map((r) => r.pointer).sort()).toEqual(['/birthDate', '/identifier/*/value', '/name/*/family']);
    for (const row of rows) expect(Object.values(row).join('|')).not.toMatch(/Canaryfield|1961-04-12|MRN-CANARY/);

    const bytes = Buffer.concat([path, `${path}-wal`].filter(existsSync).map((p) => readFileSync(p)));
    expect(bytes.includes('patient-read')).toBe(true); // we are looking at the right bytes
    for (const canary of Object.values(CANARIES)) expect(bytes.includes(canary), canary).toBe(false);
    await store.close();
  });
});
