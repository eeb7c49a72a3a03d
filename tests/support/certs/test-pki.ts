// Certificates made for one test run with the openssl CLI: a CA, server certificates for 127.0.0.1,
// client certificates for mTLS, and a second CA whose certificates the first one does not trust.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertPair {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface TestPki {
  readonly dir: string;
  readonly caFile: string;
  readonly ca: Buffer;
  /** Signed by the CA, for 127.0.0.1. */
  server(name: string): CertPair;
  /** Signed by the CA, for client authentication. */
  client(name: string): CertPair;
  /** Signed by a different CA the test servers do not trust. */
  untrustedClient(name: string): CertPair;
  remove(): void;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function selfSignedCa(dir: string, name: string): void {
  openssl(['req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
}

function issue(dir: string, ca: string, name: string, extensions: string[]): CertPair {
  openssl(['req', '-x509', ...EC, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2',
    '-subj', `/CN=${name}`, ...extensions.flatMap((e) => ['-addext', e])], dir);
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'ficus-pki-'));
  selfSignedCa(dir, 'test-ca');
  selfSignedCa(dir, 'other-ca');
  const caFile = join(dir, 'test-ca.crt');
  return {
    dir,
    caFile,
    ca: readFileSync(caFile),
    server: (name) => issue(dir, 'test-ca', name, ['subjectAltName=IP:127.0.0.1', 'extendedKeyUsage=serverAuth', 'basicConstraints=CA:FALSE']),
    client: (name) => issue(dir, 'test-ca', name, ['extendedKeyUsage=clientAuth', 'basicConstraints=CA:FALSE']),
    untrustedClient: (name) => issue(dir, 'other-ca', name, ['extendedKeyUsage=clientAuth', 'basicConstraints=CA:FALSE']),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
