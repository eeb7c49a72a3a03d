// Makes a directory really read-only for the process under test. chmod alone does not stop root
// (these tests run as root in CI containers), so as root the directory is made immutable
// (chattr +i: no file may be created, renamed or deleted in it, by anyone); otherwise chmod 0555.
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';

export function makeReadOnly(dir: string): () => void {
  if (process.getuid?.() === 0) {
    execFileSync('chattr', ['+i', dir]);
    return () => execFileSync('chattr', ['-i', dir]);
  }
  chmodSync(dir, 0o555);
  return () => chmodSync(dir, 0o755);
}
