// The store id kept outside the store, so losing the store cannot also lose the evidence that it
// was lost. Kept beside the config, in the flags folder (`.ficus-store-id`, ignored as a flag file):
// the flags are what stays in force when the store goes, and the audit log is what explains them.
// The data directory would not do (deleted together with a SQLite store), and an Unleash flags
// revision cannot carry it without a flag of its own. Read first, written only when missing, so a
// read-only config mount still starts (then loss at restart goes undetected, and Ficus says so).
import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const STORE_ANCHOR_FILE = '.ficus-store-id';

export type AnchorState =
  | { readonly kind: 'names'; readonly storeId: string; readonly path: string }
  | { readonly kind: 'written'; readonly storeId: string; readonly path: string }
  | { readonly kind: 'unwritable'; readonly path: string; readonly reason: string };

/** The anchor's store id, writing `storeId` as the anchor when there is none yet. */
export async function anchorStoreId(dir: string, storeId: string): Promise<AnchorState> {
  const path = join(dir, STORE_ANCHOR_FILE);
  const existing = await readAnchor(path);
  if (existing) return { kind: 'names', storeId: existing, path };
  // Written aside and hard-linked into place: two replicas anchoring at once agree on one id.
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${storeId}\n`, { flag: 'wx', mode: 0o644 });
    await link(temp, path);
    return { kind: 'written', storeId, path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const winner = await readAnchor(path);
      if (winner) return { kind: 'names', storeId: winner, path };
    }
    return { kind: 'unwritable', path, reason: (error as Error).message };
  } finally {
    await unlink(temp).catch(() => {});
  }
}

async function readAnchor(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
