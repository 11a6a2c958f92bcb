import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeNameOf, ensureBridge, plugIntoBridge } from '../bridge.js';
import { hasCommand, runCommand } from '../command.js';
import { deleteNetns, ensureNetns, ipBatch, ipIn, netnsExists } from '../netns.js';
import { addVethPair } from '../veth.js';
import { ensureExternalNamespace, removeExternalNamespace } from './external-netns.js';
import type { ExternalNetworkSpec } from './external-netns.js';
import { ensureRouter, removeRouter } from './router.js';
import { observeRouter } from './router-observe.js';
import { planRouterLines } from './router-plan.js';
import { hostEndNameOf, routerNetnsOf } from './router-spec.js';
import type { RouterFloatingIp, RouterRoute, RouterSpec } from './router-spec.js';

// A "host" namespace with three bridges (two tenant networks and the external one), an
// instance namespace on each tenant bridge, the external network's far side, and a router.
const missing = ['ip', 'nft', 'busybox', 'conntrack', 'sysctl'].filter((c) => !hasCommand(c));
const skipReason =
  process.getuid?.() !== 0 ? 'needs root' : missing.length > 0 ? `missing ${missing.join(', ')}` : undefined;

const tag = randomBytes(3).toString('hex');
const host = `sdr-h-${tag}`;
const instA = `sdr-a-${tag}`;
const instB = `sdr-b-${tag}`;
const instA2 = `sdr-c-${tag}`;
const far = `sdr-x-${tag}`;
const uuid = (n: string) => `${tag}${n}-0000-4000-8000-000000000000`;
const netA = uuid('a1');
const netB = uuid('b1');
const netExt = uuid('e1');
const routerId = uuid('r1');
const ipA = '10.0.0.5';
const ipA2 = '10.0.0.6';
const ipB = '10.0.1.5';
const behindB = '192.168.50.1';
const gatewayIp = '172.24.4.10';
const farIp = '172.24.4.1';
const fip = '172.24.4.20';
const port = 8000;

const external: ExternalNetworkSpec = {
  networkId: netExt,
  mtu: 1500,
  gateway: { ip: farIp, prefixLength: 24 },
  hostNetns: host,
  netns: far,
};

const iface = (portId: string, net: string, ip: string, prefixLength: number, mac: string) => ({
  portId: uuid(portId),
  networkId: net,
  mac,
  mtu: 1500,
  addresses: [{ ip, prefixLength }],
});
const ifA = iface('p1', netA, '10.0.0.1', 26, 'fa:16:3e:00:00:01');
const ifB = iface('p2', netB, '10.0.1.1', 24, 'fa:16:3e:00:01:01');
const gateway = { ...iface('pg', netExt, gatewayIp, 24, 'fa:16:3e:04:00:0a'), nextHop: farIp, snat: true };

function spec(o: {
  interfaces?: RouterSpec['interfaces'];
  snat?: boolean;
  routes?: RouterRoute[];
  floatingIps?: RouterFloatingIp[];
}): RouterSpec {
  return {
    id: routerId,
    hostNetns: host,
    gateway: { ...gateway, snat: o.snat ?? true },
    interfaces: o.interfaces ?? [ifA, ifB],
    routes: o.routes ?? [],
    floatingIps: o.floatingIps ?? [],
  };
}

const exec = (ns: string, args: string[]) =>
  runCommand('ip', ['netns', 'exec', ns, ...args], { timeoutMs: 4000 });
const ping = (from: string, to: string) =>
  exec(from, ['busybox', 'ping', '-c', '1', '-W', '1', to]).then(
    () => true,
    () => false,
  );
/** Pings a few times (the first packet may wait for ARP). */
async function reaches(from: string, to: string): Promise<boolean> {
  for (let i = 0; i < 2; i++) if (await ping(from, to)) return true;
  return false;
}
/** The source address a TCP server at `to` saw, or undefined when it could not be reached. */
const seenAs = (from: string, to: string) =>
  exec(from, ['busybox', 'nc', '-w', '2', to, String(port)]).then(
    (r) => r.stdout.trim() || undefined,
    () => undefined,
  );

/** A TCP server that answers each connection with the peer's address, then closes it. */
function whoami(ns: string): Promise<ChildProcess> {
  const script = `require('net').createServer((c) => c.end(c.remoteAddress + '\\n')).listen(${port}, '0.0.0.0', () => console.log('ready'))`;
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`whoami in ${ns} exited ${code}`)));
  });
}

/** A MAC from the address's last two octets, so each instance has its own. */
const macOf = (cidr: string) =>
  `fa:16:3e:aa:${cidr
    .split('/')[0]!
    .split('.')
    .slice(2)
    .map((o) => Number(o).toString(16).padStart(2, '0'))
    .join(':')}`;

async function instance(
  ns: string,
  net: string,
  hostEnd: string,
  cidr: string,
  via: string,
  extra: string[] = [],
) {
  await ensureNetns(ns);
  await addVethPair({
    hostNetns: host,
    hostName: hostEnd,
    peerNetns: ns,
    peerName: 'eth0',
    peerMac: macOf(cidr),
    mtu: 1500,
  });
  await plugIntoBridge(host, hostEnd, bridgeNameOf(net), 1500);
  await ipBatch(ns, [
    'link set dev lo up',
    'link set dev eth0 up',
    `address add ${cidr} dev eth0`,
    `route add default via ${via}`,
    ...extra,
  ]);
}

async function hostLinks(): Promise<string[]> {
  const { stdout } = await ipIn(host, ['-j', 'link', 'show']);
  return (JSON.parse(stdout) as Array<{ ifname: string }>).map((l) => l.ifname);
}

describe.skipIf(skipReason !== undefined)('routers in namespaces (real kernel)', () => {
  const servers: ChildProcess[] = [];

  beforeAll(async () => {
    await ensureNetns(host);
    await ipIn(host, ['link', 'set', 'dev', 'lo', 'up']);
    for (const net of [netA, netB]) await ensureBridge(host, bridgeNameOf(net), 1500);
    await ensureExternalNamespace(external);
    await instance(instA, netA, `ia-${tag}`, `${ipA}/26`, '10.0.0.1');
    await instance(instA2, netA, `ic-${tag}`, `${ipA2}/26`, '10.0.0.1');
    await instance(instB, netB, `ib-${tag}`, `${ipB}/24`, '10.0.1.1', [`address add ${behindB}/32 dev lo`]);
    for (const ns of [instA, instB, far]) servers.push(await whoami(ns));
  }, 30_000);

  afterAll(async () => {
    for (const s of servers) s.kill('SIGKILL');
    await removeRouter(routerId).catch(() => undefined);
    await removeExternalNamespace(external).catch(() => undefined);
    for (const ns of [instA, instA2, instB, far, host, routerNetnsOf(routerId)])
      await deleteNetns(ns).catch(() => undefined);
  }, 30_000);

  it('keeps two networks apart until both subnets are router interfaces', async () => {
    expect(await reaches(instA, ipB)).toBe(false);
    await ensureRouter(spec({ interfaces: [ifA] }));
    expect(await reaches(instA, '10.0.0.1')).toBe(true);
    expect(await ping(instA, ipB)).toBe(false);
    await ensureRouter(spec({}));
    expect(await reaches(instA, ipB)).toBe(true);
    // No SNAT between the router's own subnets.
    expect(await seenAs(instA, ipB)).toBe(ipA);
  }, 30_000);

  it('is idempotent: a second sync changes no address or route', async () => {
    await ensureRouter(spec({}));
    const lines = planRouterLines(spec({}), await observeRouter(routerNetnsOf(routerId)));
    expect(lines.filter((l) => /^address|^route (add|del)/.test(l))).toEqual([]);
  }, 30_000);

  it('translates what leaves by the gateway to the gateway address, only with SNAT on', async () => {
    expect(await seenAs(instA, farIp)).toBe(gatewayIp);
    expect(await seenAs(instB, farIp)).toBe(gatewayIp);
    await ensureRouter(spec({ snat: false }));
    // The far side has no route back to a tenant subnet.
    expect(await seenAs(instA, farIp)).toBeUndefined();
    await ensureRouter(spec({}));
    expect(await seenAs(instA, farIp)).toBe(gatewayIp);
  }, 30_000);

  it('makes an instance reachable by its floating IP, and stops when it is removed', async () => {
    await ensureRouter(spec({ floatingIps: [{ floatingIp: fip, fixedIp: ipA }] }));
    expect(await reaches(far, fip)).toBe(true);
    expect(await seenAs(far, fip)).toBe(farIp);
    expect(await seenAs(instA, farIp)).toBe(fip);
    expect(await seenAs(instB, farIp)).toBe(gatewayIp);
    // From inside, on the same subnet and on another, as the gateway address (hairpin).
    expect(await seenAs(instA2, fip)).toBe(gatewayIp);
    expect(await seenAs(instB, fip)).toBe(gatewayIp);
    await ensureRouter(spec({}));
    expect(await ping(far, fip)).toBe(false);
    expect(await seenAs(far, fip)).toBeUndefined();
    expect(await seenAs(instA, farIp)).toBe(gatewayIp);
  }, 30_000);

  it('cuts a flow already running through a floating IP when the floating IP goes', async () => {
    await ensureRouter(spec({ floatingIps: [{ floatingIp: fip, fixedIp: ipA }] }));
    expect(await reaches(far, fip)).toBe(true);
    // One ICMP id for the whole run: one conntrack entry, which would keep its translation.
    const pinger = spawn('ip', ['netns', 'exec', far, 'busybox', 'ping', '-i', '0.2', fip], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let replies = 0;
    pinger.stdout.on('data', (d: Buffer) => (replies += d.toString().split('seq=').length - 1));
    try {
      await sleep(1000);
      expect(replies).toBeGreaterThan(0);
      await ensureRouter(spec({}));
      await sleep(400);
      const before = replies;
      await sleep(1200);
      expect(replies).toBe(before);
    } finally {
      pinger.kill('SIGKILL');
    }
  }, 30_000);

  it('follows static routes as they are added and removed', async () => {
    expect(await ping(instA, behindB)).toBe(false);
    await ensureRouter(spec({ routes: [{ destination: '192.168.50.0/24', nexthop: ipB }] }));
    expect(await reaches(instA, behindB)).toBe(true);
    await ensureRouter(spec({}));
    expect(await ping(instA, behindB)).toBe(false);
  }, 30_000);

  it('repairs a deleted gateway veth and a flushed ruleset', async () => {
    const fips = [{ floatingIp: fip, fixedIp: ipA }];
    await ensureRouter(spec({ floatingIps: fips }));
    await ipIn(host, ['link', 'delete', 'dev', hostEndNameOf(gateway.portId)]);
    await exec(routerNetnsOf(routerId), ['nft', 'flush', 'ruleset']);
    expect(await ping(far, fip)).toBe(false);
    await ensureRouter(spec({ floatingIps: fips }));
    expect(await reaches(far, fip)).toBe(true);
    expect(await seenAs(instA, farIp)).toBe(fip);
  }, 30_000);

  it('removes an interface the spec dropped, and leaves nothing after removeRouter', async () => {
    await ensureRouter(spec({ interfaces: [ifA] }));
    expect(await hostLinks()).not.toContain(hostEndNameOf(ifB.portId));
    expect(await ping(instA, ipB)).toBe(false);
    await removeRouter(routerId);
    expect(await netnsExists(routerNetnsOf(routerId))).toBe(false);
    const left = (await hostLinks()).filter((n) => n.startsWith('rtr'));
    expect(left).toEqual([]);
    expect(await ping(instA, farIp)).toBe(false);
    await removeRouter(routerId);
  }, 30_000);
});
