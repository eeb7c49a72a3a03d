// The embedded flag writer under concurrent writes, and retention purges on a real SQLite store.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/admin/retention.ts';
import { createFileFlagSource } from '../../src/decision/file-flag-source.ts';
import { createFileFlagWriter } from '../../src/decision/file-flag-writer.ts';
import { describeFlag } from '../../src/decision/flag-shape.ts';
import { appendAudit, listAudit } from '../../src/store/audit-log.ts';
import { openStore } from '../../src/store/open-store.ts';
import { verifyAuditChain } from '../../src/store/verify-audit-chain.ts';
import { flagsFileText } from '../support/ficus/config-files.ts';

const root = mkdtempSync(join(tmpdir(), 'ficus-writer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('file flag writer', () => {
  it('keeps every one of many concurrent writes, leaves no temp files and reports each revision as its own', async () => {
    const dir = join(root, 'flags');
    mkdirSync(dir);
    writeFileSync(join(dir, 'features.json'), flagsFileText({ a: { mode: 'legacy' }, b: { mode: 'legacy' }, c: { mode: 'legacy' } }));
    const flags = await createFileFlagSource({ dir, watch: false });
    const writer = createFileFlagWriter({ dir, flags });
    const revisions: string[] = [];
    flags.onChange((change) => revisions.push(change.revision));
    const results = await Promise.all([writer.setMode('a', 'shadow', 0), writer.setMode('b', 'canary', 15), writer.setMode('c', 'new', 100), writer.setKillSwitch(true)]);
    expect(results.slice(0, 3).map((r) => r.after)).toEqual([{ mode: 'shadow', percent: 0 }, { mode: 'canary', percent: 15 }, { mode: 'new', percent: 100 }]);
    const reread = await createFileFlagSource({ dir, watch: false });
    expect(['a', 'b', 'c'].map((f) => describeFlag(reread.definition(f)).mode)).toEqual(['shadow', 'canary', 'new']);
    expect(reread.definition('ficus.kill-switch')?.enabled).toBe(true);
    expect(readdirSync(dir)).toEqual(['features.json']);
    expect(revisions.every((r) => writer.producedRevision(r))).toBe(true);
    await Promise.all([flags.close(), reread.close()]);
  });
});

describe('retention', () => {
  it('purges audit entries older than the retention years and keeps the rest verifiable', async () => {
    const store = await openStore({ url: `sqlite:${join(root, 'ficus.db')}` });
    try {
      const now = new Date('2030-06-01T00:00:00Z');
      await appendAudit(store.db, { at: new Date('2023-01-01T00:00:00Z'), actor: 'a', action: 'mode-change', source: 'cli', reason: 'old' });
      await appendAudit(store.db, { at: new Date('2025-01-01T00:00:00Z'), actor: 'a', action: 'mode-change', source: 'cli', reason: 'recent' });
      const result = await purgeExpired(store.db, { auditRetentionYears: 6, differenceRetentionDays: 30 }, now);
      expect(result.audit).toBe(1);
      expect((await listAudit(store.db)).map((e) => e.reason)).toEqual(['recent']);
      expect(await verifyAuditChain(store.db)).toMatchObject({ ok: true, entries: 1 });
    } finally {
      await store.close();
    }
  });
});
