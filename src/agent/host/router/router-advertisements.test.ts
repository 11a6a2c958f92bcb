import { describe, expect, it } from 'vitest';
import { compileRaTable, raDnsmasqArgs } from './router-advertisements.js';
import type { AdvertisedPrefix } from './router-advertisements.js';

const prefix = (over: Partial<AdvertisedPrefix>): AdvertisedPrefix => ({
  subnetId: 's1',
  interfaceName: 'qr-aaaaaaaa-aa',
  cidr: 'fd00:1::/64',
  raMode: 'slaac',
  mtu: 1450,
  ...over,
});

const argsOf = (prefixes: AdvertisedPrefix[]) =>
  raDnsmasqArgs({ routerId: 'r1', runDir: '/ra', prefixes }, '/ra/qrouter-r1/pid');

describe('raDnsmasqArgs', () => {
  it('advertises a SLAAC prefix autonomous with no M/O (ra-only) and answers no DHCPv6', () => {
    const args = argsOf([prefix({})]);
    expect(args).toEqual(
      expect.arrayContaining([
        '--port=0',
        '--enable-ra',
        '--interface=qr-aaaaaaaa-aa',
        '--pid-file=/ra/qrouter-r1/pid',
        '--dhcp-range=fd00:1::,ra-only,64,86400s',
        '--ra-param=qr-aaaaaaaa-aa,mtu:1450,30,1800',
      ]),
    );
  });

  it('sets O and A for dhcpv6-stateless, M for dhcpv6-stateful', () => {
    const args = argsOf([
      prefix({ subnetId: 'less', cidr: 'fd00:2::/64', raMode: 'dhcpv6-stateless' }),
      prefix({ subnetId: 'ful', cidr: 'fd00:3::/64', raMode: 'dhcpv6-stateful', interfaceName: 'qr-b' }),
    ]);
    expect(args.filter((a) => a.startsWith('--dhcp-range'))).toEqual([
      '--dhcp-range=fd00:2::,ra-stateless,64,86400s',
      '--dhcp-range=fd00:3::,static,64,86400s',
    ]);
    expect(args.filter((a) => a.startsWith('--interface'))).toEqual([
      '--interface=qr-aaaaaaaa-aa',
      '--interface=qr-b',
    ]);
  });

  it('gives each interface one parameter line with the smallest MTU of its prefixes', () => {
    const args = argsOf([prefix({}), prefix({ subnetId: 's2', cidr: 'fd00:9::/64', mtu: 1400 })]);
    expect(args.filter((a) => a.startsWith('--ra-param'))).toEqual([
      '--ra-param=qr-aaaaaaaa-aa,mtu:1400,30,1800',
    ]);
    expect(args.filter((a) => a.startsWith('--interface'))).toHaveLength(1);
  });

  it("drops the daemon's own DHCPv6 answers, in a table written anew each time", () => {
    const text = compileRaTable();
    expect(text.split('\n').slice(0, 3)).toEqual([
      'table ip6 strata-router-ra',
      'delete table ip6 strata-router-ra',
      'table ip6 strata-router-ra {',
    ]);
    expect(text).toContain('type filter hook output priority filter; policy accept;');
    expect(text).toContain('udp sport 547 drop');
  });
});
