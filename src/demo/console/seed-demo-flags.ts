// The demo's flag state lives in its own folder (data/demo/flags), copied from the checkout's
// flags/ on first start: `ficus set` in the demo rewrites that copy, never a tracked file, and
// `npm run demo:reset` deletes it to start over from flags/.
import { cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export type SeedOutcome = 'seeded' | 'kept';

export async function seedDemoFlags(seedDir: string, flagsDir: string): Promise<SeedOutcome> {
  if (await exists(flagsDir)) return 'kept';
  await mkdir(dirname(flagsDir), { recursive: true });
  // Copy beside the target, then rename: a start interrupted mid-copy leaves no half-seeded folder
  // that the next start would keep.
  const staging = `${flagsDir}.seeding-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await cp(seedDir, staging, { recursive: true });
  await rename(staging, flagsDir);
  return 'seeded';
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
