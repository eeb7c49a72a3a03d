// Does this store still hold what Ficus wrote? A random store id is written into the store when it
// is first created and anchored outside it (store-anchor.ts). The store counts as lost when
//  - the SQLite file was deleted or replaced under the running process (writes would go on into
//    an unlinked file and vanish at restart),
//  - the store's id is missing or differs from the one Ficus started on (emptied, replaced), or
//  - the anchor names another store (a restart onto an empty store while the flag changes that the
//    old audit log explained stay in force).
// To adopt a new store on purpose, delete the anchor file: the next check anchors the current store.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { describeStoreFailure, type StoreFailure } from './describe-store-failure.ts';
import type { StoreSchema } from './schema.ts';
import { anchorStoreId, type AnchorState } from './store-anchor.ts';
import { parseStoreUrl } from './store-url.ts';

/** Answers whether the store is still the one Ficus started on: undefined, or why it is lost. */
export type IdentityCheck = () => Promise<StoreFailure | undefined>;

export interface StoreIdentity {
  readonly storeId: string;
  readonly createdAt: string;
}

export interface StoreIdentityReport extends StoreIdentity {
  readonly anchor: string;
  /** False when the anchor could not be written: loss at restart is then not detected. */
  readonly anchored: boolean;
}

export interface EstablishedIdentity {
  readonly identity: StoreIdentity;
  readonly anchor: AnchorState;
  /** Why this store is not the expected one, or undefined. */
  readonly lost: StoreFailure | undefined;
  readonly check: IdentityCheck;
  report(): StoreIdentityReport;
}

export interface EstablishOptions {
  readonly db: Kysely<StoreSchema>;
  /** The store's URL: a SQLite file is also watched for deletion or replacement. */
  readonly url: string;
  readonly anchorDir: string;
  readonly now: () => Date;
  readonly newId?: () => string;
}

export async function establishStoreIdentity(options: EstablishOptions): Promise<EstablishedIdentity> {
  const { db } = options;
  const location = parseStoreUrl(options.url);
  const sqlitePath = location.engine === 'sqlite' && location.path !== ':memory:' ? location.path : undefined;
  const identity = await ensureStoreIdentity(db, options.newId?.() ?? randomUUID(), options.now());
  const file = sqlitePath ? await stat(sqlitePath) : undefined;
  let anchor = await anchorStoreId(options.anchorDir, identity.storeId);

  const check: IdentityCheck = async () => {
    if (sqlitePath && file) {
      const now = await stat(sqlitePath).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
      if (!now) return lost(`the SQLite store ${sqlitePath} was deleted under the running Ficus: what it writes now vanishes at restart`);
      if (now.ino !== file.ino || now.dev !== file.dev) return lost(`the SQLite store ${sqlitePath} was replaced under the running Ficus`);
    }
    const current = await readStoreIdentity(db).catch((error: unknown) => {
      const failure = describeStoreFailure(error);
      if (failure?.code === 'STORE_LOST' || /no such table/.test((error as Error).message)) return undefined;
      throw error;
    });
    if (!current) return lost('the store has no identity: it was emptied or replaced under the running Ficus');
    if (current.storeId !== identity.storeId) return lost(`the store is ${current.storeId}, not ${identity.storeId} that Ficus started on: it was replaced`);
    anchor = await anchorStoreId(options.anchorDir, identity.storeId);
    return anchorMismatch(anchor, identity);
  };

  return {
    identity,
    anchor,
    lost: anchorMismatch(anchor, identity),
    check,
    report: () => ({ ...identity, anchor: anchor.path, anchored: anchor.kind !== 'unwritable' }),
  };
}

export async function readStoreIdentity(db: Kysely<StoreSchema>): Promise<StoreIdentity | undefined> {
  const row = await db.selectFrom('ficus_store_identity').select(['store_id', 'created_at_ms']).where('id', '=', 1).executeTakeFirst();
  return row ? { storeId: row.store_id, createdAt: new Date(Number(row.created_at_ms)).toISOString() } : undefined;
}

/** Writes the id when the store has none yet (first start); replicas starting together agree on one. */
async function ensureStoreIdentity(db: Kysely<StoreSchema>, newId: string, now: Date): Promise<StoreIdentity> {
  await db.insertInto('ficus_store_identity').values({ id: 1, store_id: newId, created_at_ms: now.getTime() }).onConflict((oc) => oc.column('id').doNothing()).execute();
  const identity = await readStoreIdentity(db);
  if (!identity) throw new Error('the store identity row vanished right after it was written');
  return identity;
}

function anchorMismatch(anchor: AnchorState, identity: StoreIdentity): StoreFailure | undefined {
  if (anchor.kind !== 'names' || anchor.storeId === identity.storeId) return undefined;
  return {
    code: 'STORE_LOST',
    message:
      `${anchor.path} names store ${anchor.storeId}, but this store is ${identity.storeId} (created ${identity.createdAt}): ` +
      'the audit log that explains the flags in force is not here. Restore the old store, or delete the file to adopt this one.',
  };
}

function lost(message: string): StoreFailure {
  return { code: 'STORE_LOST', message };
}
