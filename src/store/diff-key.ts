// The key for the HMACs in difference records (FICUS_DIFF_KEY). Anyone holding the key can test
// guesses against an HMAC, and many PHI fields have few possible values (dates of birth, sexes,
// postcodes), so the key must live apart from the data: required with PostgreSQL (shared by all
// replicas); generated beside the SQLite file only as a convenience for one-machine use, loudly.
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StoreError } from './store-error.ts';
import type { StoreEngine } from './store-url.ts';

export interface DiffKey {
  /** Stored with every record (keyId) so rotated keys can be told apart. */
  readonly id: string;
  readonly secret: Buffer;
  readonly generated: boolean;
}

export interface ResolveDiffKeyOptions {
  /** FICUS_DIFF_KEY's value: `id:secret` (secret base64 or hex) or a bare secret; empty = unset. */
  readonly envValue: string | undefined;
  readonly dataDir: string;
  readonly engine: StoreEngine;
  readonly log: { warn(message: string): void };
  /** Injected for tests; 32 random bytes by default. */
  readonly randomKey?: () => Buffer;
}

const MIN_SECRET_BYTES = 32;
const KEY_FILE = 'diff-key';

export async function resolveDiffKey(options: ResolveDiffKeyOptions): Promise<DiffKey> {
  const value = options.envValue?.trim();
  if (value) return { ...parseDiffKey(value), generated: false };
  if (options.engine === 'postgres') {
    throw new StoreError(
      'DIFF_KEY_REQUIRED',
      'FICUS_DIFF_KEY is required with a PostgreSQL store: every replica must HMAC differences with the same key, and a key ' +
        'kept beside the data would let low-entropy values such as dates of birth be guessed from their HMACs. ' +
        'Set FICUS_DIFF_KEY to "id:secret" (secret: at least 32 bytes, base64 or hex) from your secret store.',
    );
  }
  const path = join(options.dataDir, KEY_FILE);
  const secret = await readOrCreateKeyFile(path, options.randomKey ?? (() => randomBytes(MIN_SECRET_BYTES)));
  options.log.warn(
    `FICUS_DIFF_KEY is not set: difference HMACs use a key stored at ${path}, beside the data it protects. Anyone who can ` +
      'read both can guess low-entropy values such as dates of birth from their HMACs. Set FICUS_DIFF_KEY to keep the key elsewhere.',
  );
  return { id: keyIdOf(secret), secret, generated: true };
}

/** Parses FICUS_DIFF_KEY. The secret never appears in error messages. */
export function parseDiffKey(value: string): { id: string; secret: Buffer } {
  const colon = value.indexOf(':');
  if (colon > 0) {
    const id = value.slice(0, colon);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
      throw new StoreError('DIFF_KEY_INVALID', 'FICUS_DIFF_KEY: the key id (before ":") may use only letters, digits, ".", "_" and "-"');
    }
    const secret = decodeSecret(value.slice(colon + 1));
    if (!secret) throw new StoreError('DIFF_KEY_INVALID', `FICUS_DIFF_KEY: the secret after "${id}:" must be base64 or hex of at least ${MIN_SECRET_BYTES} bytes`);
    return { id, secret };
  }
  const secret = decodeSecret(value) ?? (Buffer.byteLength(value) >= MIN_SECRET_BYTES ? Buffer.from(value, 'utf8') : undefined);
  if (!secret) throw new StoreError('DIFF_KEY_INVALID', `FICUS_DIFF_KEY: a bare secret must be at least ${MIN_SECRET_BYTES} bytes`);
  return { id: keyIdOf(secret), secret };
}

/** First 8 hex digits of the secret's SHA-256: names the key without revealing it. */
export function keyIdOf(secret: Buffer): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 8);
}

function decodeSecret(text: string): Buffer | undefined {
  let bytes: Buffer | undefined;
  if (/^(?:[0-9a-fA-F]{2})+$/.test(text)) bytes = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) bytes = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
  return bytes && bytes.length >= MIN_SECRET_BYTES ? bytes : undefined;
}

// Read first, write only when missing: a restart onto a read-only volume that already holds the
// key must start (a mkdir or temp file there fails with EACCES/EROFS although nothing needs writing).
async function readOrCreateKeyFile(path: string, randomKey: () => Buffer): Promise<Buffer> {
  const existing = await readKeyFile(path);
  if (existing) return existing;
  await createKeyFile(path, randomKey);
  const created = await readKeyFile(path);
  if (!created) throw new StoreError('DIFF_KEY_INVALID', `the diff key file ${path} vanished right after it was created`);
  return created;
}

/** The key in the file, or undefined when there is no file; any other failure is DIFF_KEY_INVALID. */
async function readKeyFile(path: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StoreError('DIFF_KEY_INVALID', `cannot read the diff key file ${path}: ${(error as Error).message}`, { cause: error });
  }
  const secret = decodeSecret(text.trim());
  if (!secret) throw new StoreError('DIFF_KEY_INVALID', `the diff key file ${path} does not hold a key of at least ${MIN_SECRET_BYTES} bytes (hex)`);
  return secret;
}

async function createKeyFile(path: string, randomKey: () => Buffer): Promise<void> {
  // Written aside, then hard-linked into place: link fails if the file exists, so two processes
  // starting together agree on one key and neither ever reads a half-written file.
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(temp, `${randomKey().toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    await link(temp, path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } catch (error) {
    throw new StoreError('DIFF_KEY_INVALID', `cannot create the diff key file ${path} (there is none yet): ${(error as Error).message}`, { cause: error });
  } finally {
    await unlink(temp).catch(() => {});
  }
}
