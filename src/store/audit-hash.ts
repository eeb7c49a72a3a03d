// The audit chain's hashing rules. Changing anything here breaks verification of every entry
// already written: treat it like a released migration.
import { createHash } from 'node:crypto';

/** prev_hash of the very first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export interface HashedFields {
  readonly seq: number;
  readonly atMs: number;
  readonly actor: string;
  readonly action: string;
  readonly route: string | null;
  /** Canonical JSON text as stored, or null. */
  readonly details: string | null;
  readonly reason: string | null;
  readonly source: string;
  readonly prevHash: string;
}

/** SHA-256 (hex) over a JSON array of the fields: unambiguous field boundaries, no escaping rules of our own. */
export function hashAuditEntry(f: HashedFields): string {
  const material = JSON.stringify([f.seq, new Date(f.atMs).toISOString(), f.actor, f.action, f.route, f.details, f.reason, f.source, f.prevHash]);
  return createHash('sha256').update(material, 'utf8').digest('hex');
}

/** JSON with object keys sorted at every depth, so equal details always hash the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
