import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { appendAudit, listAudit, purgeAudit, verifyAuditChain, type AuditInput } from '../../src/store/index.ts';
import type { StoreSchema } from '../../src/store/index.ts';
import type { Kysely } from 'kysely';
import { testEngines } from '../support/store/engines.ts';

const T0 = Date.parse('2026-05-01T10:00:00Z');

function entry(i: number, overrides: Partial<AuditInput> = {}): AuditInput {
  return {
    at: new Date(T0 + i * 60_000), actor: 'cto@example.org', action: 'mode-change', route: 'patient-read',
    details: { from: 'shadow', to: 'canary', percent: i }, reason: `step ${i}`, source: 'admin-api', ...overrides,
  };
}

async function appendMany(db: Kysely<StoreSchema>, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await appendAudit(db, entry(i));
}

describe.each(testEngines())('audit log on $name', (engine) => {
  it('chains entries and verifies the chain', async () => {
    const { db } = await engine.freshStore();
    const first = await appendAudit(db, entry(1, { details: { z: 1, a: { y: 2, b: 3 } } }));
    const second = await appendAudit(db, entry(2, { route: undefined, details: undefined, reason: undefined, action: 'config-reload', actor: 'proxy', source: 'config' }));
    expect(first).toMatchObject({ seq: 1, prevHash: '0'.repeat(64), details: { a: { b: 3, y: 2 }, z: 1 } });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, route: null, details: null, reason: null });
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true, entries: 2 });
  });

  it('lists newest first, by route and after a seq', async () => {
    const { db } = await engine.freshStore();
    await appendMany(db, 5);
    await appendAudit(db, entry(6, { route: 'other', action: 'kill-switch' }));
    expect((await listAudit(db)).map((e) => e.seq)).toEqual([6, 5, 4, 3, 2, 1]);
    expect((await listAudit(db, { route: 'patient-read', limit: 2 })).map((e) => e.seq)).toEqual([5, 4]);
    expect((await listAudit(db, { afterSeq: 4 })).map((e) => e.seq)).toEqual([6, 5]);
    expect((await listAudit(db, { limit: 1 }))[0]).toMatchObject({ action: 'kill-switch', route: 'other', at: new Date(T0 + 6 * 60_000) });
  });

  it('detects an entry whose details were edited behind its back', async () => {
    const { db } = await engine.freshStore();
    await appendMany(db, 5);
    await sql`update ficus_audit_log set details = ${'{"from":"shadow","to":"new"}'} where seq = 3`.execute(db);
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('detects an entry whose actor was edited behind its back', async () => {
    const { db } = await engine.freshStore();
    await appendMany(db, 5);
    await sql`update ficus_audit_log set actor = ${'someone-else'} where seq = 2`.execute(db);
    const result = await verifyAuditChain(db);
    expect(result).toMatchObject({ ok: false, brokenAt: 2 });
    expect(result.ok === false && result.reason).toContain('altered');
  });

  it('detects an edited entry even when its hash was recomputed, at the next entry', async () => {
    const { db } = await engine.freshStore();
    await appendMany(db, 4);
    await sql`update ficus_audit_log set hash = ${'f'.repeat(64)} where seq = 2`.execute(db);
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('detects a deleted middle entry', async () => {
    const { db } = await engine.freshStore();
    await appendMany(db, 5);
    await sql`delete from ficus_audit_log where seq = 3`.execute(db);
    const result = await verifyAuditChain(db);
    expect(result).toMatchObject({ ok: false, brokenAt: 3 });
    expect(result.ok === false && result.reason).toContain('missing');
  });

  it('detects a deleted first entry', async () => {
    const { db } = await engine.freshStore();
    await appendMany(db, 3);
    await sql`delete from ficus_audit_log where seq = 1`.execute(db);
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: false, brokenAt: 1 });
  });

  it('keeps the rest verifiable after purging the oldest entries, and keeps appending', async () => {
    const { db } = await engine.freshStore();
    await appendMany(db, 6);
    await expect(purgeAudit(db, { olderThan: new Date(T0 + 4 * 60_000) })).resolves.toBe(3);
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true, entries: 3 });
    await appendAudit(db, entry(7));
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true, entries: 4 });
    await sql`delete from ficus_audit_log where seq = 4`.execute(db);
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: false, brokenAt: 4 });
  });

  it('continues the sequence after every entry was purged', async () => {
    const { db } = await engine.freshStore();
    await appendMany(db, 3);
    await expect(purgeAudit(db, { olderThan: new Date(T0 + 3600_000) })).resolves.toBe(3);
    const next = await appendAudit(db, entry(4));
    expect(next.seq).toBe(4);
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true, entries: 1 });
  });

  it('rejects details that are not a JSON object', async () => {
    const { db } = await engine.freshStore();
    await expect(appendAudit(db, entry(1, { details: ['x'] as never }))).rejects.toMatchObject({ code: 'AUDIT_INVALID' });
  });

  it('produces one unbroken chain from 50 concurrent appends by two Store instances', async () => {
    const url = await engine.freshUrl();
    const [a, b] = await Promise.all([engine.open(url), engine.open(url)]);
    const appended = await Promise.all(
      Array.from({ length: 50 }, (_, i) => appendAudit((i % 2 ? a! : b!).db, entry(i, { actor: `replica-${i % 2}` }))),
    );
    expect(new Set(appended.map((e) => e.seq)).size).toBe(50);
    expect(appended.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await expect(verifyAuditChain(a!.db)).resolves.toMatchObject({ ok: true, entries: 50 });
  });
});
