// X-Forwarded-* from the client are kept (and appended to) only when the immediate peer is a
// proxy the operator named; from anyone else they are replaced, so a client cannot forge its address.
import { BlockList, isIP } from 'node:net';

export function createTrustedProxyCheck(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const type = isIP(address ?? '') === 6 ? 'ipv6' : 'ipv4';
    if (!isIP(address ?? '')) throw Object.assign(new Error(`trusted proxy "${entry}" is not an IP address or CIDR`), { code: 'TRUSTED_PROXY' });
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(bits), type);
  }
  if (entries.length === 0) return () => false;
  return (address) => {
    const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
    const type = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    return isIP(plain) !== 0 && list.check(plain, type);
  };
}
