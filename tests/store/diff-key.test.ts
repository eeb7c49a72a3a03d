import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDiffKey, resolveDiffKey, StoreError } from '../../src/store/index.ts';
import { makeReadOnly } from '../support/store/read-only-dir.ts';

function warnings() {
  const messages: string[] = [];
  return { messages, log: { warn: (m: string) => void messages.push(m) } };
}

const dataDir = () => mkdtempSync(join(tmpdir(), 'ficus-key-'));

describe('resolveDiffKey', () => {
  it('refuses PostgreSQL without FICUS_DIFF_KEY and says why', async () => {
    const { log } = warnings();
    const error = await resolveDiffKey({ envValue: undefined, dataDir: dataDir(), engine: 'postgres', log }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('DIFF_KEY_REQUIRED');
    expect((error as StoreError).message).toMatch(/FICUS_DIFF_KEY/);
    expect((error as StoreError).message).toMatch(/dates of birth/);
  });

  it('generates a key file on SQLite, reuses it on restart and warns each time', async () => {
    const dir = join(dataDir(), 'data');
    const { messages, log } = warnings();
    const first = await resolveDiffKey({ envValue: undefined, dataDir: dir, engine: 'sqlite', log });
    const second = await resolveDiffKey({ envValue: '', dataDir: dir, engine: 'sqlite', log });
    expect(first.generated).toBe(true);
    expect(first.secret).toHaveLength(32);
    expect(second.secret.equals(first.secret)).toBe(true);
    expect(second.id).toBe(first.id);
    expect(statSync(join(dir, 'diff-key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'diff-key'), 'utf8').trim()).toBe(first.secret.toString('hex'));
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/dates of birth/);
    expect(messages[0]).toMatch(/FICUS_DIFF_KEY/);
    expect(messages[0]).toContain(join(dir, 'diff-key'));
  });

  it('agrees on one key when two processes generate it at once', async () => {
    const dir = dataDir();
    const { log } = warnings();
    const keys = await Promise.all([1, 2, 3].map(() => resolveDiffKey({ envValue: undefined, dataDir: dir, engine: 'sqlite', log })));
    expect(new Set(keys.map((k) => k.id)).size).toBe(1);
  });

  it('reads an existing key from a read-only data directory instead of failing with EACCES (#13 item 10)', async () => {
    const dir = dataDir();
    const { log } = warnings();
    const first = await resolveDiffKey({ envValue: undefined, dataDir: dir, engine: 'sqlite', log });
    const restore = makeReadOnly(dir);
    try {
      const again = await resolveDiffKey({ envValue: undefined, dataDir: dir, engine: 'sqlite', log });
      expect(again.secret.equals(first.secret)).toBe(true);
    } finally {
      restore();
    }
  });

  it('says it cannot create the key when a read-only data directory holds none', async () => {
    const dir = dataDir();
    const { log } = warnings();
    const restore = makeReadOnly(dir);
    try {
      const error = (await resolveDiffKey({ envValue: undefined, dataDir: dir, engine: 'sqlite', log }).catch((e: unknown) => e)) as StoreError;
      expect(error.code).toBe('DIFF_KEY_INVALID');
      expect(error.message).toMatch(/cannot create the diff key file .*there is none yet/);
    } finally {
      restore();
    }
  });

  it('refuses a key file that does not hold a key, naming the file', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'diff-key'), 'not hex\n');
    const error = (await resolveDiffKey({ envValue: undefined, dataDir: dir, engine: 'sqlite', log: warnings().log }).catch((e: unknown) => e)) as StoreError;
    expect(error.code).toBe('DIFF_KEY_INVALID');
    expect(error.message).toContain(join(dir, 'diff-key'));
  });

  it('uses FICUS_DIFF_KEY over any key file, without warning', async () => {
    const secret = randomBytes(32);
    const { messages, log } = warnings();
    const key = await resolveDiffKey({ envValue: `prod-2026:${secret.toString('base64')}`, dataDir: dataDir(), engine: 'postgres', log });
    expect(key).toEqual({ id: 'prod-2026', secret, generated: false });
    expect(messages).toEqual([]);
  });
});

describe('parseDiffKey', () => {
  const secret = randomBytes(32);
  const idOf = (s: Buffer) => createHash('sha256').update(s).digest('hex').slice(0, 8);

  it('parses id:base64, id:base64url and id:hex', () => {
    expect(parseDiffKey(`k1:${secret.toString('base64')}`)).toEqual({ id: 'k1', secret });
    expect(parseDiffKey(`k1:${secret.toString('base64url')}`)).toEqual({ id: 'k1', secret });
    expect(parseDiffKey(`k2:${secret.toString('hex')}`)).toEqual({ id: 'k2', secret });
  });

  it('names a bare secret by the first 8 hex digits of its SHA-256', () => {
    expect(parseDiffKey(secret.toString('hex'))).toEqual({ id: idOf(secret), secret });
    expect(parseDiffKey(secret.toString('base64'))).toEqual({ id: idOf(secret), secret });
    const passphrase = 'correct horse battery staple, long enough';
    expect(parseDiffKey(passphrase)).toEqual({ id: idOf(Buffer.from(passphrase)), secret: Buffer.from(passphrase) });
  });

  it('refuses short secrets without echoing them', () => {
    for (const value of ['k1:c2hvcnQ=', 'k1:abcd', 'tooshort']) {
      const error = (() => { try { parseDiffKey(value); } catch (e) { return e; } })() as StoreError;
      expect(error.code).toBe('DIFF_KEY_INVALID');
      expect(error.message).not.toContain(value.split(':').pop());
    }
  });
});
