import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../../drivers/driver.js';
import { MetadataServer } from '../../metadata/metadata-server.js';
import { bridgeNameOf, deleteBridge, ensureBridge, plugIntoBridge } from '../bridge.js';
import { hasCommand, runCommand } from '../command.js';
import { deleteNetns, ensureNetns, ipIn, netnsExists } from '../netns.js';
import { addVethPair, linkInfo } from '../veth.js';
import { ensureDhcp, removeDhcp } from './dhcp.js';
import { dhcpDeviceNames, dhcpNetnsName } from './dhcp-spec.js';
import type { DhcpContext, DhcpSpec } from './dhcp-spec.js';

// A test bridge (standing in for the dataplane's), the network's DHCP namespace on it, and
// client namespaces plugged into it by veths, each asking for a lease with busybox udhcpc.
const missing = ['ip', 'nft', 'busybox', 'dnsmasq', 'curl'].filter((c) => !hasCommand(c));
const skipReason =
  process.getuid?.() !== 0 ? 'needs root' : missing.length > 0 ? `missing ${missing.join(', ')}` : undefined;

const tag = randomBytes(3).toString('hex');
const networkId = `d4c0ffee-${tag}-4000-8000-000000000001`;
const subnetId = `5ab0e7aa-${tag}-4000-8000-000000000001`;
const dhcpPortId = `dc0de000-${tag}-4000-8000-000000000001`;
const bridge = bridgeNameOf(networkId);
const mtu = 1400;
const clients = [
  { netns: `sdh-c1-${tag}`, host: `sdh1${tag}`, mac: 'fa:16:3e:00:55:0a', ip: '10.55.0.10', name: 'alpha' },
  { netns: `sdh-c2-${tag}`, host: `sdh2${tag}`, mac: 'fa:16:3e:00:55:14', ip: '10.55.0.20', name: 'beta' },
] as const;
const metadataPort = 20000 + (parseInt(tag, 16) % 20000);

const spec = (hosts: number): DhcpSpec => ({
  networkId,
  mtu,
  dnsDomain: 'strata.test.',
  port: { portId: dhcpPortId, mac: 'fa:16:3e:00:55:02', fixedIps: [{ subnetId, ipAddress: '10.55.0.2' }] },
  subnets: [
    {
      subnetId,
      cidr: '10.55.0.0/24',
      gatewayIp: '10.55.0.1',
      dnsNameservers: ['10.55.0.53'],
      hostRoutes: [{ destination: '172.31.0.0/16', nexthop: '10.55.0.254' }],
    },
  ],
  hosts: clients.slice(0, hosts).map((c) => ({ mac: c.mac, ipAddress: c.ip, subnetId, hostname: c.name })),
  metadataPort,
});

/** Runs udhcpc once in the client's namespace; the script prints what the lease carried. */
async function lease(netns: string, script: string): Promise<Record<string, string>> {
  const out = await runCommand(
    'ip',
    [
      ...['netns', 'exec', netns, 'busybox', 'udhcpc', '-i', 'eth0', '-n', '-q', '-f', '-t', '4', '-T', '1'],
      ...['-O', 'mtu', '-O', 'staticroutes', '-O', 'domain', '-s', script],
    ],
    { timeoutMs: 20_000 },
  );
  const line = out.stdout.split('\n').find((l) => l.startsWith('LEASE '));
  if (line === undefined) throw new Error(`no lease: ${out.stdout} ${out.stderr}`);
  return Object.fromEntries(
    line
      .slice('LEASE '.length)
      .split('|')
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

describe.skipIf(skipReason !== undefined)('DHCP and metadata on a real kernel', () => {
  let dataDir = '';
  let ctx: DhcpContext;
  let script = '';
  let metadata: MetadataServer;
  const specOf = (ip: string): WorkloadSpec | undefined =>
    ip === clients[0].ip
      ? ({
          workloadId: `1d000000-${tag}-4000-8000-000000000001`,
          name: 'alpha',
          hostname: 'alpha',
          kind: 'vm',
          image: { id: 'img', diskFormat: null, containerFormat: null, properties: {} },
          projectId: 'p',
          availabilityZone: 'nova',
          launchIndex: 0,
          userData: Buffer.from('#!/bin/sh\necho hi\n').toString('base64'),
          metadata: { role: 'test' },
          keyName: null,
          keyData: null,
          nics: [],
        } as unknown as WorkloadSpec)
      : undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'strata-dhcp-'));
    ctx = { dataDir };
    script = join(dataDir, 'udhcpc.script');
    writeFileSync(
      script,
      '#!/bin/sh\n[ "$1" = bound ] && echo "LEASE ip=$ip|mask=$mask|router=$router|mtu=$mtu|staticroutes=$staticroutes|dns=$dns|domain=$domain|hostname=$hostname"\nexit 0\n',
      { mode: 0o755 },
    );
    await ensureBridge(undefined, bridge, mtu);
    for (const c of clients) {
      await ensureNetns(c.netns);
      await addVethPair({
        hostNetns: undefined,
        hostName: c.host,
        peerNetns: c.netns,
        peerName: 'eth0',
        peerMac: c.mac,
        mtu: 1500,
      });
      await plugIntoBridge(undefined, c.host, bridge, 1500);
      await ipIn(c.netns, ['link', 'set', 'dev', 'eth0', 'up']);
    }
    metadata = new MetadataServer(
      async (net, ip) => (net === networkId ? specOf(ip) : undefined),
      metadataPort,
    );
  }, 60_000);

  afterAll(async () => {
    await metadata?.close();
    await removeDhcp(networkId, ctx).catch(() => undefined);
    for (const c of clients) await deleteNetns(c.netns);
    await deleteBridge(undefined, bridge).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('serves a client its static lease with router, routes, MTU, DNS and domain', async () => {
    const state = await ensureDhcp(spec(1), ctx);
    const dir = join(dataDir, 'dhcp', networkId);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of ['host', 'opts', 'addn_hosts']) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    expect(state.metadata).toBeDefined();
    const got = await lease(clients[0].netns, script);
    expect(got).toMatchObject({
      ip: clients[0].ip,
      mask: '24',
      router: '10.55.0.1',
      mtu: String(mtu),
      dns: '10.55.0.53',
      domain: 'strata.test',
    });
    expect(got['staticroutes']?.split(' ')).toEqual([
      '169.254.169.254/32',
      '10.55.0.2',
      '172.31.0.0/16',
      '10.55.0.254',
      '0.0.0.0/0',
      '10.55.0.1',
    ]);
  }, 60_000);

  it('leases nothing to a MAC it has no host entry for, then serves it after SIGHUP', async () => {
    await expect(lease(clients[1].netns, script)).rejects.toThrow();
    const before = (await ensureDhcp(spec(1), ctx)).pid;
    const after = await ensureDhcp(spec(2), ctx);
    expect(after.pid).toBe(before);
    expect((await lease(clients[1].netns, script))['ip']).toBe(clients[1].ip);
  }, 60_000);

  it('restarts a killed dnsmasq', async () => {
    const { pid } = await ensureDhcp(spec(2), ctx);
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const again = await ensureDhcp(spec(2), ctx);
    expect(again.pid).not.toBe(pid);
    expect((await lease(clients[0].netns, script))['ip']).toBe(clients[0].ip);
  }, 60_000);

  it('repairs a namespace deleted under a running dnsmasq', async () => {
    const { pid } = await ensureDhcp(spec(2), ctx);
    await deleteNetns(dhcpNetnsName(networkId));
    const again = await ensureDhcp(spec(2), ctx);
    expect(again.pid).not.toBe(pid);
    expect((await lease(clients[1].netns, script))['ip']).toBe(clients[1].ip);
  }, 60_000);

  it('answers an instance its own metadata through 169.254.169.254 and refuses others', async () => {
    const state = await ensureDhcp(spec(2), ctx);
    await metadata.serve(networkId, state.metadata!.hostAddress);
    for (const c of clients) {
      await ipIn(c.netns, ['address', 'replace', `${c.ip}/24`, 'dev', 'eth0']);
      await ipIn(c.netns, ['route', 'replace', '169.254.169.254/32', 'via', '10.55.0.2']);
    }
    const get = async (netns: string, path: string) => {
      const { stdout } = await runCommand(
        'ip',
        [
          'netns',
          'exec',
          netns,
          'curl',
          '-s',
          '-m',
          '5',
          '-w',
          '\n%{http_code}',
          `http://169.254.169.254${path}`,
        ],
        { timeoutMs: 15_000 },
      );
      const i = stdout.lastIndexOf('\n');
      return { body: stdout.slice(0, i), status: Number(stdout.slice(i + 1)) };
    };
    // Replies find their way back by the link's own table even under strict reverse-path checks.
    await runCommand('sysctl', ['-qw', `net.ipv4.conf.${state.metadata!.hostDevice}.rp_filter=1`]);
    const own = await get(clients[0].netns, '/openstack/latest/meta_data.json');
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body)).toMatchObject({
      uuid: specOf(clients[0].ip)!.workloadId,
      hostname: 'alpha',
    });
    expect(await get(clients[0].netns, '/latest/meta-data/local-ipv4')).toEqual({
      status: 200,
      body: clients[0].ip,
    });
    expect((await get(clients[0].netns, '/openstack/latest/user_data')).body).toBe('#!/bin/sh\necho hi\n');
    expect((await get(clients[1].netns, '/openstack/latest/meta_data.json')).status).toBe(404);
    // dnsmasq answers the instances' names in the network's domain.
    const dns = await runCommand('ip', [
      'netns',
      'exec',
      clients[1].netns,
      'busybox',
      'nslookup',
      'alpha.strata.test',
      '10.55.0.2',
    ]);
    expect(dns.stdout).toContain(clients[0].ip);
    // The link's address itself is not routed for instances: only the DNAT'd port is.
    await ipIn(clients[0].netns, [
      'route',
      'replace',
      `${state.metadata!.hostAddress}/32`,
      'via',
      '10.55.0.2',
    ]);
    await expect(
      runCommand('ip', [
        'netns',
        'exec',
        clients[0].netns,
        'curl',
        '-s',
        '-m',
        '2',
        `http://${state.metadata!.hostAddress}:${metadataPort}/`,
      ]),
    ).rejects.toThrow();
  }, 60_000);

  it('leaves no namespace, veth, rule, process or file behind when removed', async () => {
    const state = await ensureDhcp(spec(2), ctx);
    await metadata.unserve(networkId);
    await removeDhcp(networkId, ctx);
    expect(await netnsExists(dhcpNetnsName(networkId))).toBe(false);
    expect(await linkInfo(undefined, dhcpDeviceNames(dhcpPortId).host)).toBeUndefined();
    expect(await linkInfo(undefined, state.metadata!.hostDevice)).toBeUndefined();
    const { stdout } = await ipIn(undefined, ['-j', '-4', 'rule', 'list']);
    expect(stdout).not.toContain(state.metadata!.hostAddress);
    // Gone, or a zombie until init reaps it (dnsmasq daemonized away from us).
    const stat = existsSync(`/proc/${state.pid}/stat`)
      ? readFileSync(`/proc/${state.pid}/stat`, 'utf8')
      : ' Z';
    expect(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)).toBe('Z');
    const pidFile = join(dataDir, 'dhcp', networkId, 'pid');
    const stray = readdirSync('/proc').filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(pidFile);
      } catch {
        return false;
      }
    });
    expect(stray).toEqual([]);
    expect(existsSync(join(dataDir, 'dhcp', networkId))).toBe(false);
    await removeDhcp(networkId, ctx);
  }, 60_000);
});
