import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';
import { InputError } from '../../common/errors.js';

/** accessIPv4/accessIPv6 as a request may carry them (create, update, rebuild). */
export interface AccessIpInput {
  readonly accessIPv4?: string | undefined;
  readonly accessIPv6?: string | undefined;
}

/**
 * The access addresses to store, checked as Nova's `ipv4`/`ipv6` formats check them
 * (dotted quads without leading zeros; IPv6 without a zone), the IPv6 one in the form
 * Nova prints it back. Throws Nova's 400 for a value that is not an address.
 */
export function accessIpColumns(b: AccessIpInput): { access_ipv4?: string; access_ipv6?: string } {
  const v4 = b.accessIPv4;
  const v6 = b.accessIPv6;
  if (v4 !== undefined && !isIPv4(v4)) throw badAddress('accessIPv4', v4, 'ipv4');
  if (v6 !== undefined && (!isIPv6(v6) || v6.includes('%'))) throw badAddress('accessIPv6', v6, 'ipv6');
  return {
    ...(v4 !== undefined && { access_ipv4: v4 }),
    ...(v6 !== undefined && { access_ipv6: canonicalIpv6(v6) }),
  };
}

function badAddress(field: string, value: string, format: string): InputError {
  return new InputError(
    'compute.server.bad_access_ip',
    `Invalid input for field/attribute ${field}. Value: ${value}. '${value}' is not a '${format}'`,
  );
}

/**
 * RFC 5952 text, except that an address whose first 96 bits are zero (and is not :: or
 * ::1), or an IPv4-mapped one, keeps its last 32 bits dotted, as inet_ntop (and so
 * Nova's netaddr) writes them.
 */
export function canonicalIpv6(v: string): string {
  // The URL parser reads embedded IPv4 right (ipaddr.js takes ::1.2.3.4 for ::ffff:1.2.3.4)
  // and prints RFC 5952, all hex.
  const hex = new URL(`http://[${v}]/`).hostname.slice(1, -1);
  const p = ipaddr.IPv6.parse(hex).parts;
  const zeros = (n: number) => p.slice(0, n).every((x) => x === 0);
  const dotted = () => `${p[6]! >> 8}.${p[6]! & 255}.${p[7]! >> 8}.${p[7]! & 255}`;
  if (zeros(5) && p[5] === 0xffff) return `::ffff:${dotted()}`;
  if (zeros(6) && p[6] !== 0) return `::${dotted()}`;
  return hex;
}
