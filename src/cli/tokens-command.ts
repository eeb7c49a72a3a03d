// ficus tokens hash | new: make entries for FICUS_ADMIN_TOKENS_FILE, which stores only SHA-256
// digests. `hash` reads the token from stdin when none is given, keeping it out of shell history.
import { randomBytes } from 'node:crypto';
import { hashToken } from '../admin/auth.ts';

export async function tokensCommand(args: readonly string[], io: { out(text: string): void; err(text: string): void; stdin: NodeJS.ReadableStream }): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'hash') {
    const token = rest[0] ?? (await readAll(io.stdin)).replace(/\r?\n$/, '');
    if (!token) {
      io.err('ficus tokens hash: give the token as an argument or on stdin\n');
      return 2;
    }
    io.out(`${hashToken(token)}\n`);
    return 0;
  }
  if (sub === 'new') {
    const [name, role] = rest;
    if (!name || (role !== 'viewer' && role !== 'operator')) {
      io.err('usage: ficus tokens new <name> <viewer|operator>\n');
      return 2;
    }
    const token = `ficus_${randomBytes(24).toString('base64url')}`;
    io.out(`# Give this token to ${name} (shown once; Ficus keeps only its hash):\n#   ${token}\n# Add this entry to the file named by FICUS_ADMIN_TOKENS_FILE:\n- name: ${JSON.stringify(name)}\n  role: ${role}\n  sha256: ${hashToken(token)}\n`);
    return 0;
  }
  io.err('usage: ficus tokens hash [TOKEN] | ficus tokens new <name> <viewer|operator>\n');
  return 2;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  if ((stream as { isTTY?: boolean }).isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
