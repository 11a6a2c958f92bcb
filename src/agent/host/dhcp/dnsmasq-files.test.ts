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
    { subnetId: v6, cidr: 'fd00::/64', gatewayIp: 'fd00::1', dnsNameservers: [], hostRoutes: [] },
  ],
  hosts: [
    { mac: 'fa:16:3e:00:00:05', ipAddress: '10.0.0.5', subnetId: v4, hostname: 'web' },
    { mac: 'fa:16:3e:00:00:05', ipAddress: 'fd00::5', subnetId: v6, hostname: 'web' },
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
});
