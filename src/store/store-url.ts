// Parses FICUS_DATABASE_URL. Messages name the URL only in redacted form: a database URL often
// carries a password, and these errors end up in logs and on the operator's terminal.
import { isAbsolute, resolve } from 'node:path';
import { StoreError } from './store-error.ts';

export type StoreEngine = 'sqlite' | 'postgres';

export type StoreLocation =
  | { readonly engine: 'sqlite'; readonly path: string | ':memory:' }
  | { readonly engine: 'postgres'; readonly url: string };

/** `sqlite:./rel.db`, `sqlite:/abs.db`, `sqlite::memory:`, `postgres://…` or `postgresql://…`. */
export function parseStoreUrl(url: string, cwd: string = process.cwd()): StoreLocation {
  if (url.startsWith('sqlite:')) {
    const rest = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (rest === ':memory:') return { engine: 'sqlite', path: ':memory:' };
    if (rest === '') throw new StoreError('STORE_URL', 'the sqlite: store URL names no file (e.g. sqlite:./data/ficus.db)');
    return { engine: 'sqlite', path: isAbsolute(rest) ? rest : resolve(cwd, rest) };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (cause) {
      throw new StoreError('STORE_URL', `the PostgreSQL store URL is malformed: ${redactStoreUrl(url)}`, { cause });
    }
    if (!parsed.hostname) throw new StoreError('STORE_URL', `the PostgreSQL store URL names no host: ${redactStoreUrl(url)}`);
    return { engine: 'postgres', url };
  }
  throw new StoreError(
    'STORE_URL',
    `unsupported store URL ${JSON.stringify(redactStoreUrl(url))}: expected sqlite:<path> or postgres://user@host:port/db`,
  );
}

const SECRET_PARAMS = ['password', 'sslpassword', 'sslkey', 'sslcert'];

/**
 * The URL with every password replaced, safe for logs and error messages: the userinfo password
 * (whatever characters it holds) and the query parameters pg also reads secrets from. A URL that
 * does not parse is not echoed at all.
 */
export function redactStoreUrl(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<unparseable store URL>';
  }
  if (parsed.password) parsed.password = '***';
  for (const name of SECRET_PARAMS) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
  return parsed.toString();
}
