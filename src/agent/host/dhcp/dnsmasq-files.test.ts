import { describe, expect, it } from 'vitest';
import type { DhcpSpec } from './dhcp-spec.js';
import {
  dnsmasqAddnHostsFile,
  dnsmasqArgs,
  dnsmasqHostsFile,
  dnsmasqOptsFile,
  dnsmasqPaths,
} from './dnsmasq-files.js';

const v4 = 'aaaaaaaa-0000-4000-8000-000000000001';
const v6 = 'bbbbbbbb-0000-4000-8000-000000000001';
const v6less = 'cccccccc-0000-4000-8000-000000000001';
const spec: DhcpSpec = {
  networkId: 'net',
  mtu: 1450,
  dnsDomain: 'example.org.',
  port: { portId: 'p', mac: 'fa:16:3e:00:00:02', fixedIps: [{ subnetId: v4, ipAddress: '10.0.0.2' }] },
  subnets: [
    {
      subnetId: v4,
      cidr: '10.0.0.0/24',
      gatewayIp: '10.0.0.1',
      dnsNameservers: [],
      hostRoutes: [{ destination: '192.168.0.0/16', nexthop: '10.0.0.9' }],
    },
  ],
  hosts: [{ mac: 'fa:16:3e:00:00:05', ipAddress: '10.0.0.5', subnetId: v4, hostname: 'web' }],
};

/** The same network with a DHCPv6 stateful and a stateless subnet. */
const dual: DhcpSpec = {
  ...spec,
  subnets: [
    ...spec.subnets,
    {
      subnetId: v6,
      cidr: 'fd00::/64',
      ipv6AddressMode: 'dhcpv6-stateful',
      gatewayIp: 'fd00::1',
      dnsNameservers: ['fd00::53', 'fd00::54'],
      hostRoutes: [],
    },
    {
      subnetId: v6less,
      cidr: 'fd01::/64',
      ipv6AddressMode: 'dhcpv6-stateless',
      gatewayIp: 'fd01::1',
      dnsNameservers: ['fd01::53'],
      hostRoutes: [],
    },
  ],
  hosts: [
    { mac: 'fa:16:3e:00:00:05', ipAddress: 'fd00::5', subnetId: v6, hostname: 'web' },
    { mac: 'fa:16:3e:00:00:05', ipAddress: 'fd01::f816:3eff:fe00:5', subnetId: v6less, hostname: 'web' },
    ...spec.hosts,
  ],
};

describe('dnsmasq files', () => {
  it('gives each IPv4 subnet a static range tagged by subnet, and the domain', () => {
    const args = dnsmasqArgs(spec, dnsmasqPaths('/d'), 'ns-p');
    expect(args).toContain(`--dhcp-range=set:subnet-${v4},10.0.0.0,static,255.255.255.0,86400s`);
    expect(args.filter((a) => a.startsWith('--dhcp-range'))).toHaveLength(1);
    expect(args).toContain('--dhcp-lease-max=256');
    // Hosts come and go by SIGHUP: they never change the command line.
    expect(dnsmasqArgs({ ...spec, hosts: [] }, dnsmasqPaths('/d'), 'ns-p')).toEqual(args);
    expect(args).toEqual(
      expect.arrayContaining(['--interface=ns-p', '--domain=example.org', '--pid-file=/d/pid']),
    );
  });

  it('writes one static lease and one name per IPv4 address', () => {
    expect(dnsmasqHostsFile(spec)).toBe('fa:16:3e:00:00:05,web.example.org,10.0.0.5\n');
    expect(dnsmasqAddnHostsFile(spec)).toBe('10.0.0.5\tweb.example.org web\n');
  });

  it('routes the default through option 121 too, and metadata via the DHCP port when served', () => {
    const t = `tag:subnet-${v4}`;
    expect(dnsmasqOptsFile(spec).split('\n')).toEqual([
      `${t},option:router,10.0.0.1`,
      `${t},option:mtu,1450`,
      `${t},option:classless-static-route,192.168.0.0/16,10.0.0.9,0.0.0.0/0,10.0.0.1`,
      `${t},249,192.168.0.0/16,10.0.0.9,0.0.0.0/0,10.0.0.1`,
      '',
    ]);
    const isolated = {
      ...spec,
      metadataPort: 8775,
      subnets: [
        { ...spec.subnets[0]!, gatewayIp: null, hostRoutes: [], dnsNameservers: ['1.1.1.1', '8.8.8.8'] },
      ],
    };
    expect(dnsmasqOptsFile(isolated).split('\n')).toEqual([
      `${t},option:router`,
      `${t},option:dns-server,1.1.1.1,8.8.8.8`,
      `${t},option:mtu,1450`,
      `${t},option:classless-static-route,169.254.169.254/32,10.0.0.2`,
      `${t},249,169.254.169.254/32,10.0.0.2`,
      '',
    ]);
  });

  it('serves DHCPv6: a static range per IPv6 subnet with its prefix length, no RA from this dnsmasq', () => {
    const args = dnsmasqArgs(dual, dnsmasqPaths('/d'), 'ns-p');
    expect(args.filter((a) => a.startsWith('--dhcp-range'))).toEqual([
      `--dhcp-range=set:subnet-${v4},10.0.0.0,static,255.255.255.0,86400s`,
      `--dhcp-range=set:subnet-${v6},fd00::,static,64,86400s`,
      `--dhcp-range=set:subnet-${v6less},fd01::,static,64,86400s`,
    ]);
    expect(args.some((a) => a.includes('enable-ra') || a.includes('ra-'))).toBe(false);
    expect(args).toContain(`--dhcp-lease-max=${2 ** 24}`);
  });

  it('leases a stateful port its fixed IPv6 address by MAC, the stateless SLAAC address none', () => {
    expect(dnsmasqHostsFile(dual)).toBe(
      'fa:16:3e:00:00:05,web.example.org,10.0.0.5\nfa:16:3e:00:00:05,web.example.org,[fd00::5]\n',
    );
    expect(dnsmasqAddnHostsFile(dual)).toBe(
      [
        '10.0.0.5\tweb.example.org web',
        'fd00::5\tweb.example.org web',
        'fd01::f816:3eff:fe00:5\tweb.example.org web',
        '',
      ].join('\n'),
    );
  });

  it('gives IPv6 subnets their DNS servers only (dnsmasq itself when none)', () => {
    const lines = dnsmasqOptsFile(dual).split('\n');
    expect(lines.filter((l) => l.includes('option6'))).toEqual([
      `tag:subnet-${v6},option6:dns-server,[fd00::53],[fd00::54]`,
      `tag:subnet-${v6less},option6:dns-server,[fd01::53]`,
    ]);
    expect(lines.filter((l) => l.includes(v6) || l.includes(v6less))).toHaveLength(2);
    const none = { ...dual, subnets: dual.subnets.map((s) => ({ ...s, dnsNameservers: [] })) };
    expect(dnsmasqOptsFile(none)).not.toContain('option6');
  });
});
