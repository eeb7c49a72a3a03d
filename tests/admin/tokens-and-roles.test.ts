// People and roles: per-person tokens from FICUS_ADMIN_TOKENS_FILE (stored hashed), viewers read but
// never write, and a bad tokens file stops the start with a clear error.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/admin/auth.ts';
import { parseTokensFile } from '../../src/admin/tokens-file.ts';
import { listAudit } from '../../src/store/audit-log.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';

const dir = mkdtempSync(join(tmpdir(), 'ficus-tokens-'));
const tokensFile = join(dir, 'tokens.yaml');
writeFileSync(tokensFile, `# people
- name: alice
  role: operator
  sha256: ${hashToken('alice-secret')}
- name: victor
  role: viewer
  sha256: ${hashToken('victor-secret').toUpperCase()}
`);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies asserted field by field
type Json = any;
let h: TestFicus;
beforeAll(async () => {
  h = await startTestFicus({ settings: { adminTokensFile: tokensFile } });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (token: string, method: string, path: string, body?: unknown) =>
  fetch(`${h.adminUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

describe('tokens file', () => {
  it('lets a viewer read but answers every write with 403, leaving flag files and the audit log unchanged', async () => {
    expect((await call('victor-secret', 'GET', '/api/routes')).status).toBe(200);
    expect((await call('victor-secret', 'GET', '/api/audit')).status).toBe(200);
    const bytes = readFileSync(join(h.flagsDir, 'features.json'), 'utf8');
    await h.ficus.flush();
    const before = await listAudit(h.ficus.store.db);
    const writes: [string, string, unknown][] = [
      ['PUT', '/api/routes/items/mode', { mode: 'shadow', reason: 'x' }],
      ['POST', '/api/kill-switch', { on: true, reason: 'x' }],
      ['POST', '/api/differences/accept', { route: 'items', pointer: '/a', kind: 'changed', reason: 'x' }],
    ];
    for (const [method, path, body] of writes) {
      const res = await call('victor-secret', method, path, body);
      expect(res.status).toBe(403);
      expect(((await res.json()) as Json).error).toBe('forbidden');
    }
    expect(readFileSync(join(h.flagsDir, 'features.json'), 'utf8')).toBe(bytes);
    await h.ficus.flush();
    expect(await listAudit(h.ficus.store.db)).toEqual(before);
  });

  it('names the person behind an operator token as the actor of a write', async () => {
    const res = await call('alice-secret', 'PUT', '/api/routes/open/mode', { mode: 'shadow', reason: 'compare open' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).audit).toMatchObject({ actor: 'alice', action: 'mode-change', source: 'admin-api' });
  });

  it('keeps FICUS_ADMIN_TOKEN working next to the file', async () => {
    expect((await call('test-token', 'GET', '/api/routes')).status).toBe(200);
  });

  it('refuses to start with a tokens file that holds a clear-text token', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, '- name: bob\n  role: admin\n  sha256: hunter2\n');
    await expect(startTestFicus({ settings: { adminTokensFile: bad } })).rejects.toThrow(/tokens\[0\]\.role: must be viewer or operator[\s\S]*tokens\[0\]\.sha256: must be the 64-hex SHA-256/);
  });

  it('refuses to start when the tokens file is missing', async () => {
    await expect(startTestFicus({ settings: { adminTokensFile: join(dir, 'absent.yaml') } })).rejects.toThrow(/cannot read the admin tokens file \(ENOENT\)/);
  });

  it('reads the JSON form and rejects duplicates', () => {
    const digest = hashToken('t');
    expect(parseTokensFile('t.json', JSON.stringify({ tokens: [{ name: 'a', role: 'viewer', sha256: digest }] }))).toEqual([{ name: 'a', role: 'viewer', sha256: digest }]);
    expect(() => parseTokensFile('t.json', JSON.stringify([{ name: 'a', role: 'viewer', sha256: digest }, { name: 'a', role: 'operator', sha256: hashToken('u') }]))).toThrow(/duplicate name "a"/);
  });
});
