// #13 item 7 on both engines: a truncated tail is caught against an exported head, and a store
// knows whether it is still the one Ficus started on.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditChain, type AuditInput } from '../../src/store/index.ts';
import { purgeAudit, readAuditHead } from '../../src/store/audit-log.ts';
import { STORE_ANCHOR_FILE } from '../../src/store/store-anchor.ts';
import { establishStoreIdentity } from '../../src/store/store-identity.ts';
import { parseAuditHead } from '../../src/store/verify-audit-chain.ts';
import { testEngines } from '../support/store/engines.ts';

const T0 = Date.parse('2026-05-01T10:00:00Z');
const entry = (i: number): AuditInput => ({ at: new Date(T0 + i * 60_000), actor: 'cto', action: 'mode-change', route: 'r', reason: `step ${i}`, source: 'test' });
const anchorDir = () => mkdtempSync(join(tmpdir(), 'ficus-anchor-'));

describe.each(testEngines())('audit head on $name', (engine) => {
  it('catches deleted newest entries against the exported head, which verify alone cannot', async () => {
    const { db } = await engine.freshStore();
    for (let i = 1; i <= 5; i++) await appendAudit(db, entry(i));
    const head = (await readAuditHead(db))!;
    expect(head.seq).toBe(5);
    await db.deleteFrom('ficus_audit_log').where('seq', '>=', 4).execute();
    await expect(verifyAuditChain(db)).resolves.toMatchObject({ ok: true, entries: 3 });
    await expect(verifyAuditChain(db, { expectHead: head })).resolves.toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringMatching(/entries 4–5 were deleted \(tail truncated\)/) });
  });

  it('catches a chain rewritten from the exported head on, and accepts a chain that grew past it', async () => {
    const { db } = await engine.freshStore();
    for (let i = 1; i <= 3; i++) await appendAudit(db, entry(i));
    const head = (await readAuditHead(db))!;
    await appendAudit(db, entry(4));
    await expect(verifyAuditChain(db, { expectHead: head })).resolves.toMatchObject({ ok: true, entries: 4, head: { seq: 4 } });
    await expect(verifyAuditChain(db, { expectHead: { seq: 3, hash: 'f'.repeat(64) } })).resolves.toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('checks a purged head against the anchor', async () => {
    const { db } = await engine.freshStore();
    for (let i = 1; i <= 3; i++) await appendAudit(db, entry(i));
    const head = (await readAuditHead(db))!;
    await purgeAudit(db, { olderThan: new Date(T0 + 3_600_000) });
    expect(await readAuditHead(db)).toEqual(head);
    await expect(verifyAuditChain(db, { expectHead: head })).resolves.toMatchObject({ ok: true, entries: 0 });
    await expect(verifyAuditChain(db, { expectHead: { seq: 3, hash: 'f'.repeat(64) } })).resolves.toMatchObject({ ok: false });
  });
});

describe.each(testEngines())('store identity on $name', (engine) => {
  it('anchors a new store, and the same store passes its checks', async () => {
    const url = await engine.freshUrl();
    const { db } = await engine.open(url);
    const dir = anchorDir();
    const identity = await establishStoreIdentity({ db, url, anchorDir: dir, now: () => new Date(T0) });
    expect(identity.anchor.kind).toBe('written');
    expect(identity.lost).toBeUndefined();
    await expect(identity.check()).resolves.toBeUndefined();
    const again = await establishStoreIdentity({ db: (await engine.open(url)).db, url, anchorDir: dir, now: () => new Date(T0) });
    expect(again.identity.storeId).toBe(identity.identity.storeId);
    expect(again.lost).toBeUndefined();
  });

  it('calls another store lost when the anchor names the first one', async () => {
    const dir = anchorDir();
    const firstUrl = await engine.freshUrl();
    await establishStoreIdentity({ db: (await engine.open(firstUrl)).db, url: firstUrl, anchorDir: dir, now: () => new Date(T0) });
    const url = await engine.freshUrl();
    const other = await establishStoreIdentity({ db: (await engine.open(url)).db, url, anchorDir: dir, now: () => new Date(T0) });
    expect(other.lost).toMatchObject({ code: 'STORE_LOST', message: expect.stringContaining(STORE_ANCHOR_FILE) });
    await expect(other.check()).resolves.toMatchObject({ code: 'STORE_LOST' });
  });

  it('calls a store emptied under the running Ficus lost', async () => {
    const url = await engine.freshUrl();
    const { db } = await engine.open(url);
    const identity = await establishStoreIdentity({ db, url, anchorDir: anchorDir(), now: () => new Date(T0) });
    await db.deleteFrom('ficus_store_identity').execute();
    await expect(identity.check()).resolves.toMatchObject({ code: 'STORE_LOST', message: expect.stringMatching(/no identity/) });
  });

  it('lets replicas starting together agree on one id', async () => {
    const url = await engine.freshUrl();
    const dir = anchorDir();
    const stores = await Promise.all([1, 2, 3].map(() => engine.open(url)));
    const ids = await Promise.all(stores.map((s) => establishStoreIdentity({ db: s.db, url, anchorDir: dir, now: () => new Date(T0) })));
    expect(new Set(ids.map((i) => i.identity.storeId)).size).toBe(1);
    expect(ids.every((i) => i.lost === undefined)).toBe(true);
  });

  it('starts with a read-only anchor directory and says the store is not anchored', async () => {
    const url = await engine.freshUrl();
    const { db } = await engine.open(url);
    const dir = join(anchorDir(), 'missing'); // cannot be written: does not exist
    const identity = await establishStoreIdentity({ db, url, anchorDir: dir, now: () => new Date(T0) });
    expect(identity.anchor.kind).toBe('unwritable');
    expect(identity.report().anchored).toBe(false);
  });
});

describe('parseAuditHead', () => {
  it('takes SEQ:HASH and refuses anything else with AUDIT_HEAD_INVALID', () => {
    const hash = 'a'.repeat(64);
    expect(parseAuditHead(`12:${hash}`)).toEqual({ seq: 12, hash });
    for (const bad of ['12', `x:${hash}`, '12:abc', `12:${hash}0`]) expect(() => parseAuditHead(bad)).toThrow(expect.objectContaining({ code: 'AUDIT_HEAD_INVALID' }));
  });
});
