// HL7 v2 ADT intake, as the monolith's interface engine does it: ISO-8859-1 bytes in, an original-
// mode ACK out in ISO-8859-1. Bytes are decoded and encoded as latin1 only — never through UTF-8 —
// so "Müller" (0x4D 0xFC ...) comes back as the same bytes a proxy must pass through untouched.
import type { Route, RouteContext } from '../shared/router.ts';
import { sendBody } from '../shared/respond.ts';
import { discardBody, readBody } from '../shared/body.ts';

export const HL7_CONTENT_TYPE = 'application/hl7-v2; charset=ISO-8859-1';

export interface Hl7Deps {
  readonly now: () => Date;
}

/** The MSH segment, indexed by HL7 field number (fields[10] is MSH-10, the control id). */
interface MessageHeader {
  readonly fields: readonly string[];
  readonly separator: string;
  readonly componentSeparator: string;
}

export function hl7Routes({ now }: Hl7Deps): Route[] {
  let acknowledged = 0;
  const nextAckId = (): string => `ACK${String(++acknowledged).padStart(6, '0')}`;
  return [{ method: 'POST', path: /^\/hl7\/adt$/, handle: (c) => answerAdt(c, now, nextAckId) }];
}

async function answerAdt({ req, res }: RouteContext, now: () => Date, nextAckId: () => string): Promise<void> {
  if (!/^application\/hl7-v2\b/i.test(req.headers['content-type'] ?? '')) {
    discardBody(req);
    return sendBody(res, 415, 'text/plain; charset=ISO-8859-1', 'Expected Content-Type: application/hl7-v2\r\n');
  }
  const message = (await readBody(req)).toString('latin1');
  const segments = message.split(/\r\n|\r|\n/).filter((segment) => segment.length > 0);
  const header = parseHeader(segments[0]);
  const ack = header
    ? acknowledgement(header, 'AA', describeAccepted(header, segments), now(), nextAckId())
    : acknowledgement(undefined, 'AR', 'Message does not start with an MSH segment', now(), nextAckId());
  sendBody(res, 200, HL7_CONTENT_TYPE, Buffer.from(ack, 'latin1'));
}

function parseHeader(segment: string | undefined): MessageHeader | undefined {
  if (!segment?.startsWith('MSH') || segment.length < 8) return undefined;
  const separator = segment.charAt(3);
  // fields[n] is MSH-n: MSH-1 is the separator itself, so the split of the rest starts at MSH-2.
  const fields = ['MSH', separator, ...segment.slice(4).split(separator)];
  return { fields, separator, componentSeparator: fields[2]?.charAt(0) || '^' };
}

function describeAccepted(header: MessageHeader, segments: readonly string[]): string {
  const trigger = field(header, 9).split(header.componentSeparator)[1] ?? '';
  const pid = segments.find((segment) => segment.startsWith(`PID${header.separator}`));
  const family = pid?.split(header.separator)[5]?.split(header.componentSeparator)[0];
  return family ? `ADT ${trigger} accepted for ${family}` : `ADT ${trigger} accepted`;
}

function field(header: MessageHeader, number: number): string {
  return header.fields[number] ?? '';
}

function acknowledgement(header: MessageHeader | undefined, code: 'AA' | 'AR', text: string, at: Date, ackId: string): string {
  const s = header?.separator ?? '|';
  const c = header?.componentSeparator ?? '^';
  const get = (n: number): string => (header ? field(header, n) : '');
  const trigger = get(9).split(c)[1] ?? '';
  const msh = ['MSH', header ? field(header, 2) : '^~\\&', get(5), get(6), get(3), get(4), hl7Timestamp(at), '',
    `ACK${c}${trigger}${c}ACK`, ackId, get(11) || 'P', get(12) || '2.5.1'];
  const msa = ['MSA', code, get(10), text];
  // MSH-1 is the separator itself, so the MSH segment is joined without repeating it after "MSH".
  return `MSH${s}${msh.slice(1).join(s)}\r${msa.join(s)}\r`;
}

function hl7Timestamp(at: Date): string {
  return at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
