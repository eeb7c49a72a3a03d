// FICUS_ADMIN_TOKENS_FILE: per-person admin tokens with roles, stored as SHA-256 digests only
// (`ficus tokens hash` or `printf %s TOKEN | sha256sum`). YAML or JSON, either a list or
// `{ tokens: [...] }` of `{ name, role: viewer|operator, sha256 }`. Read once at start: a bad file
// stops the start with one error naming every problem, rather than locking people out silently.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { ConfigError, type ConfigProblem } from '../config/config-error.ts';
import type { TokenEntry } from './auth.ts';

export async function loadTokensFile(path: string): Promise<TokenEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([{ file: path, message: `cannot read the admin tokens file (${(error as NodeJS.ErrnoException).code ?? 'error'})` }], { cause: error });
  }
  return parseTokensFile(path, text);
}

export function parseTokensFile(file: string, text: string): TokenEntry[] {
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new ConfigError([{ file, line, message: `not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}` }], { cause: error });
  }
  const list = Array.isArray(data) ? data : (data as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(list)) throw new ConfigError([{ file, message: 'expected a list of { name, role, sha256 } (or { tokens: [...] })' }]);
  const problems: ConfigProblem[] = [];
  const entries: TokenEntry[] = [];
  const names = new Set<string>();
  const digests = new Set<string>();
  list.forEach((item: unknown, i) => {
    const key = `tokens[${i}]`;
    const e = (item ?? {}) as Record<string, unknown>;
    const before = problems.length;
    if (typeof e.name !== 'string' || e.name.trim() === '') problems.push({ file, key: `${key}.name`, message: 'a non-empty name is required (it is the actor in the audit log)' });
    if (e.role !== 'viewer' && e.role !== 'operator') problems.push({ file, key: `${key}.role`, message: 'must be viewer or operator' });
    if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(e.sha256)) problems.push({ file, key: `${key}.sha256`, message: 'must be the 64-hex SHA-256 of the token (printf %s TOKEN | sha256sum), never the token itself' });
    if (problems.length > before) return;
    const name = (e.name as string).trim();
    const digest = (e.sha256 as string).toLowerCase();
    if (names.has(name)) problems.push({ file, key: `${key}.name`, message: `duplicate name "${name}"` });
    if (digests.has(digest)) problems.push({ file, key: `${key}.sha256`, message: 'the same token is listed twice' });
    names.add(name);
    digests.add(digest);
    entries.push({ name, role: e.role as TokenEntry['role'], sha256: digest });
  });
  if (problems.length) throw new ConfigError(problems);
  return entries;
}
