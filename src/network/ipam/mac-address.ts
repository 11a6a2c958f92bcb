import { randomBytes } from 'node:crypto';

/** Neutron's default base_mac: the OpenStack OUI, the rest random. */
export function randomMac(): string {
  const tail = [...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'));
  return ['fa', '16', '3e', ...tail].join(':');
}

/** A MAC in Neutron's form (lower case, colons), or undefined when the text is not one. */
export function sanitizeMac(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const m =
    /^([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})$/i.exec(
      text,
    );
  if (m === null) return undefined;
  const mac = m
    .slice(1)
    .map((p) => p.toLowerCase().padStart(2, '0'))
    .join(':');
  // Neutron refuses the all-zero, broadcast and multicast addresses.
  const first = parseInt(mac.slice(0, 2), 16);
  if (mac === '00:00:00:00:00:00' || (first & 1) === 1) return undefined;
  return mac;
}

/** The modified EUI-64 interface identifier of a MAC, for SLAAC addresses. */
export function eui64(prefix: bigint, mac: string): bigint {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  const id = [b[0]! ^ 0x02, b[1]!, b[2]!, 0xff, 0xfe, b[3]!, b[4]!, b[5]!];
  let v = 0n;
  for (const x of id) v = (v << 8n) | BigInt(x);
  return prefix | v;
}
