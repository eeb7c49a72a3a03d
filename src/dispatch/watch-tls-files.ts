// Reloads the inbound TLS certificate and key when they change on disk, without a restart.
// Watches their folders (renewals usually replace files by rename); a half-written renewal (new
// certificate, old key) is reported and the last good pair stays in force.
import { readFileSync, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { watchDir } from '../config/watch-dir.ts';

export function watchTlsFiles(tls: { readonly certFile: string; readonly keyFile: string }, apply: (tls: { key: Buffer; cert: Buffer }) => void, report: { reloaded(): void; failed(error: unknown): void }): FSWatcher[] {
  let last = '';
  const reload = () => {
    try {
      const cert = readFileSync(tls.certFile);
      const key = readFileSync(tls.keyFile);
      const fingerprint = `${cert.toString('base64')}|${key.toString('base64')}`;
      if (fingerprint === last) return;
      apply({ cert, key });
      last = fingerprint;
      report.reloaded();
    } catch (error) {
      report.failed(error);
    }
  };
  try {
    last = `${readFileSync(tls.certFile).toString('base64')}|${readFileSync(tls.keyFile).toString('base64')}`;
  } catch {
    last = '';
  }
  const dirs = [...new Set([dirname(tls.certFile), dirname(tls.keyFile)])];
  return dirs.map((dir) => watchDir(dir, reload)).filter((w): w is FSWatcher => w !== undefined);
}
