import { describe, expect, it } from 'vitest';
import { accessIpColumns, canonicalIpv6 } from './server-access-ip.js';

describe('server-access-ip', () => {
  it.each([
    ['0000:0000:0000:0000:0000:babe:220.12.22.2', '::babe:dc0c:1602'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['::c000:201', '::192.0.2.1'],
    ['::1', '::1'],
    ['::', '::'],
    ['::0.0.1.0', '::100'],
  ])('writes %s as %s', (v, canonical) => expect(canonicalIpv6(v)).toBe(canonical));

  it('stores valid addresses, the IPv6 one canonical', () => {
    expect(accessIpColumns({ accessIPv4: '192.0.2.1', accessIPv6: '2001:DB8::0:1' })).toEqual({
      access_ipv4: '192.0.2.1',
      access_ipv6: '2001:db8::1',
    });
    expect(accessIpColumns({})).toEqual({});
  });

  it.each([
    ['accessIPv4', 'notvalid', 'ipv4'],
    ['accessIPv4', '192.0.2.01', 'ipv4'],
    ['accessIPv4', '1.2.3', 'ipv4'],
    ['accessIPv4', '', 'ipv4'],
    ['accessIPv6', 'notvalid', 'ipv6'],
    ['accessIPv6', '192.0.2.1', 'ipv6'],
    ['accessIPv6', 'fe80::1%eth0', 'ipv6'],
    ['accessIPv6', '1::2::3', 'ipv6'],
  ])("refuses %s %j with Nova's message", (field, value, format) =>
    expect(() => accessIpColumns({ [field]: value })).toThrow(
      `Invalid input for field/attribute ${field}. Value: ${value}. '${value}' is not a '${format}'`,
    ),
  );
});
