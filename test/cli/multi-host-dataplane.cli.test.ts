import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netnsNameOf } from '../../src/agent/drivers/runc/runc-nics.js';
import { hasCommand, runCommand } from '../../src/agent/host/command.js';
import { ipIn, netnsDir, netnsExists } from '../../src/agent/host/netns.js';
import { strataTablesPresent } from '../../src/agent/host/nft.js';
import { buildContainerTestImage } from '../../src/agent/test-images/container-image.js';
import { HttpClient } from '../support/http-client.js';
import type { NetnsHost } from '../support/netns-hosts.js';
import { NetnsCluster, namePrefixOf } from '../support/netns-hosts.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable, startStrata } from '../support/strata-process.js';

// Two hosts, each a network namespace on a shared underlay running its own `strata agent`
// (runc, the linux dataplane, its underlay address as tunnel IP) against `strata up` in the
// root namespace: containers on one tenant network, one per host, talk over VXLAN.
const missing = ['runc', 'ip', 'bridge', 'nft', 'nsenter'].filter((c) => !hasCommand(c));
const skipReason =
  process.getuid?.() !== 0
    ? 'needs root'
    : !builtCliAvailable()
      ? 'needs npm run build'
      : missing.length > 0
        ? `missing ${missing.join(', ')}`
        : !existsSync('/bin/busybox')
          ? 'needs /bin/busybox'
          : undefined;

type Json = Record<string, unknown>;
/** A server as the test knows it: its port's address and MAC, and its container's namespace. */
interface Server {
  id: string;
  ip: string;
  mac: string;
  ns: string;
}

const ok = (p: Promise<unknown>) =>
  p.then(
    () => true,
    () => false,
  );
const ping = (fromNs: string, to: string) =>
  ok(runCommand('ip', ['netns', 'exec', fromNs, '/bin/busybox', 'ping', '-c', '1', '-W', '1', to]));

/** Polls `check` until it holds; the time it took, or undefined after `timeoutMs`. */
async function within(check: () => Promise<boolean>, timeoutMs: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/** The host's links, less loopback and its underlay cable. */
async function strataLinks(h: NetnsHost): Promise<Array<{ ifname: string; master?: string }>> {
  const { stdout } = await ipIn(h.netns, ['-j', 'link', 'show']);
  return (JSON.parse(stdout) as Array<{ ifname: string; master?: string }>).filter(
    (l) => l.ifname !== 'lo' && l.ifname !== 'eth0',
  );
}

/** The VXLAN device's FDB entries that send to a remote host (`mac` → `dst`). */
async function remoteFdb(h: NetnsHost, vxlan: string): Promise<Array<{ mac: string; dst: string }>> {
  const { stdout } = await runCommand('bridge', ['-n', h.netns, '-j', 'fdb', 'show', 'dev', vxlan]);
  return (JSON.parse(stdout) as Array<{ mac: string; dst?: string }>).flatMap((e) =>
    e.dst === undefined ? [] : [{ mac: e.mac, dst: e.dst }],
  );
}

/** The flood list (the all-zero MAC's destinations: head-end replication). */
async function floodList(h: NetnsHost, vxlan: string): Promise<string[]> {
  return (await remoteFdb(h, vxlan)).filter((e) => e.mac === '00:00:00:00:00:00').map((e) => e.dst);
}

describe.skipIf(skipReason !== undefined)(
  `linux dataplane across two hosts${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let cluster: NetnsCluster | undefined;
    let strata: StrataProcess | undefined;
    let http: HttpClient;
    let hosts: NetnsHost[] = [];
    let net = '';
    const servers: Server[] = [];
    /** A second server on the first host, for the throughput figure only. */
    const bridge = () => `brq${net.slice(0, 11)}`;

    const call = async (method: string, path: string, body?: unknown, want?: number) => {
      const res = await http.call<Json>(method, path, body);
      if (want !== undefined && res.status !== want)
        throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json;
    };
    const serverOf = async (id: string) => {
      const res = await http.call<{ server: Json }>('GET', `/compute/v2.1/servers/${id}`);
      return res.status === 404 ? undefined : res.json.server;
    };
    const waitFor = async (id: string, status: string, timeoutMs: number) => {
      let last: Json | undefined;
      const done = await within(async () => {
        last = await serverOf(id);
        if (status === 'DELETED') return last === undefined;
        return last?.['status'] === status && last['OS-EXT-STS:task_state'] === null;
      }, timeoutMs);
      if (done === undefined)
        throw new Error(`server ${id} never reached ${status}: ${JSON.stringify(last)}`);
    };
    let image: Json = {};
    let flavor: Json = {};
    const boot = async (h: NetnsHost, name = `on-${h.name}`): Promise<Server> => {
      const server = {
        name,
        imageRef: image['id'],
        flavorRef: flavor['id'],
        networks: [{ uuid: net }],
        availability_zone: h.name,
      };
      const created = await call('POST', '/compute/v2.1/servers', { server }, 202);
      return { id: String((created['server'] as Json)['id']), ip: '', mac: '', ns: '' };
    };
    /** Waits for ACTIVE on `h`, then reads the port's address and MAC, and checks it is bound there. */
    const settle = async (s: Server, h: NetnsHost) => {
      await waitFor(s.id, 'ACTIVE', 90_000);
      expect((await serverOf(s.id))?.['OS-EXT-SRV-ATTR:host']).toBe(h.name);
      const ports = (await call('GET', `/network/v2.0/ports?device_id=${s.id}`, undefined, 200))[
        'ports'
      ] as Json[];
      s.ip = String((ports[0]!['fixed_ips'] as Json[])[0]!['ip_address']);
      s.mac = String(ports[0]!['mac_address']);
      s.ns = netnsNameOf(s.id);
      expect(ports[0]).toMatchObject({ status: 'ACTIVE', 'binding:host_id': h.name });
    };

    /** strata up's router1: its interfaces off, then the router. */
    const deleteRouter1 = async () => {
      const routers = (await call('GET', '/network/v2.0/routers?name=router1', undefined, 200)) as {
        routers: Json[];
      };
      for (const r of routers.routers) {
        const id = String(r['id']);
        const ports = (await call('GET', `/network/v2.0/ports?device_id=${id}`, undefined, 200)) as {
          ports: Array<{ device_owner: string; fixed_ips: Array<{ subnet_id: string }> }>;
        };
        for (const p of ports.ports.filter((x) => x.device_owner === 'network:router_interface'))
          for (const ip of p.fixed_ips)
            await call(
              'PUT',
              `/network/v2.0/routers/${id}/remove_router_interface`,
              { subnet_id: ip.subnet_id },
              200,
            );
        await call('DELETE', `/network/v2.0/routers/${id}`, undefined, 204);
      }
    };

    beforeAll(async () => {
      cluster = await NetnsCluster.create();
      hosts = [await cluster.addHost(), await cluster.addHost()];
      // A control plane with no host of its own, listening on the underlay only.
      strata = await startStrata({
        extraArgs: ['--host', cluster.underlay.rootIp],
        env: { STRATA_COMPUTE_DRIVER: 'none' },
      });
      cluster.useControlPlane(join(strata.dataDir, 'clouds.yaml'));
      http = new HttpClient(strata.url);
      await http.login(strata);
      for (const h of hosts) await cluster.startAgent(h);

      const built = await buildContainerTestImage(join(strata.dataDir, 'test-images'));
      image = await call(
        'POST',
        '/image/v2/images',
        { name: 'busybox', disk_format: 'raw', container_format: 'docker', visibility: 'public' },
        201,
      );
      const up = await http.call(
        'PUT',
        `/image/v2/images/${String(image['id'])}/file`,
        readFileSync(built.path),
        'application/octet-stream',
      );
      expect(up.status).toBe(204);
      flavor = (
        await call(
          'POST',
          '/compute/v2.1/flavors',
          { flavor: { name: 'mh', vcpus: 1, ram: 64, disk: 1 } },
          200,
        )
      )['flavor'] as Json;
      const network = (await call('POST', '/network/v2.0/networks', { network: { name: 'mh-net' } }, 201))[
        'network'
      ] as Json;
      net = String(network['id']);
      expect(network['provider:network_type']).toBe('vxlan');
      await call(
        'POST',
        '/network/v2.0/subnets',
        { subnet: { network_id: net, cidr: '10.78.0.0/24', ip_version: 4 } },
        201,
      );
      for (const h of hosts) servers.push(await boot(h));
      for (const [i, s] of servers.entries()) await settle(s, hosts[i]!);
    }, 240_000);

    afterAll(async () => {
      await strata?.stop().catch(() => undefined);
      await strata?.cleanup().catch(() => undefined);
      await cluster?.cleanup();
    }, 90_000);

    it('wires a VXLAN device on each host whose flood list is the other host', async () => {
      const [one, two] = hosts as [NetnsHost, NetnsHost];
      const vxlanOn = async (h: NetnsHost) =>
        (await strataLinks(h)).find((l) => /^vxlan-\d+$/.test(l.ifname) && l.master === bridge());
      const v1 = await vxlanOn(one);
      const v2 = await vxlanOn(two);
      expect(v1).toBeDefined();
      expect(v2).toBeDefined();
      expect(await floodList(one, v1!.ifname)).toEqual([two.ip]);
      expect(await floodList(two, v2!.ifname)).toEqual([one.ip]);
      // Each host knows where the other's port is (a static entry, never learnt).
      expect(await remoteFdb(one, v1!.ifname)).toContainEqual({ mac: servers[1]!.mac, dst: two.ip });
      expect(await remoteFdb(two, v2!.ifname)).toContainEqual({ mac: servers[0]!.mac, dst: one.ip });
    }, 30_000);

    it('lets the containers on the two hosts ping each other over VXLAN', async () => {
      const [a, b] = servers as [Server, Server];
      expect(await within(() => ping(a.ns, b.ip), 20_000)).toBeDefined();
      expect(await within(() => ping(b.ns, a.ip), 10_000)).toBeDefined();
    }, 60_000);

    it('keeps the workloads through kill -9 of an agent, and its restart repairs a deleted bridge and nft table', async () => {
      const [a, b] = servers as [Server, Server];
      const two = hosts[1]!;
      await cluster!.kill9(two);
      // The data path is the kernel's: with the agent gone, packets still flow.
      expect(await within(() => ping(a.ns, b.ip), 10_000)).toBeDefined();
      // While the agent is down, its host loses the bridge (and with it the VXLAN device's
      // and the veth's place in it) and its nft table: only the restarted agent can put them back.
      await ipIn(two.netns, ['link', 'delete', 'dev', bridge()]);
      await runCommand('ip', ['netns', 'exec', two.netns, 'nft', 'delete', 'table', 'inet', 'strata']);
      expect(await ping(a.ns, b.ip)).toBe(false);
      const restarting = Date.now();
      await cluster!.startAgent(two);
      const serving = Date.now() - restarting;
      const repaired = await within(() => ping(a.ns, b.ip), 30_000);
      process.stderr.write(
        `agent restart: serving after ${serving} ms, traffic again ${repaired} ms later\n`,
      );
      expect(repaired).toBeDefined();
      expect(await within(() => ping(b.ns, a.ip), 10_000)).toBeDefined();
      expect((await serverOf(b.id))?.['status']).toBe('ACTIVE');
      expect(await strataTablesPresent(two.netns)).toBe(true);
    }, 90_000);

    it('repairs a bridge deleted under a running agent', async () => {
      const [a, b] = servers as [Server, Server];
      await ipIn(hosts[0]!.netns, ['link', 'delete', 'dev', bridge()]);
      expect(await within(() => ping(b.ns, a.ip), 20_000)).toBeDefined();
    }, 40_000);

    it('repairs a VXLAN FDB emptied under a running agent (flood list and remote MACs)', async () => {
      const [a, b] = servers as [Server, Server];
      const one = hosts[0]!;
      const vxlan = (await strataLinks(one)).find(
        (l) => /^vxlan-\d+$/.test(l.ifname) && l.master === bridge(),
      )!.ifname;
      for (const e of await remoteFdb(one, vxlan))
        await runCommand('bridge', ['-n', one.netns, 'fdb', 'del', e.mac, 'dev', vxlan, 'dst', e.dst]);
      expect(await remoteFdb(one, vxlan)).toEqual([]);
      // With no entry to send to, a's frames for b go nowhere until the agent writes them again.
      // The flood entry and b's MAC (the network's DHCP port, when host two serves it, has one too).
      const repaired = async () => {
        const macs = (await remoteFdb(one, vxlan)).map((e) => e.mac);
        return macs.includes('00:00:00:00:00:00') && macs.includes(b.mac) && (await ping(a.ns, b.ip));
      };
      expect(await within(repaired, 20_000), JSON.stringify(await remoteFdb(one, vxlan))).toBeDefined();
    }, 40_000);

    it('deletes a server whose agent was down when asked, once it is back: its host is bare, the other floods to nobody', async () => {
      const [one, two] = hosts as [NetnsHost, NetnsHost];
      const b = servers[1]!;
      await cluster!.kill9(two);
      await call('DELETE', `/compute/v2.1/servers/${b.id}`, undefined, 204);
      await cluster!.startAgent(two);
      await waitFor(b.id, 'DELETED', 60_000);
      const bare = async () =>
        (await strataLinks(two)).length === 0 && !(await strataTablesPresent(two.netns));
      expect(await within(bare, 20_000), JSON.stringify(await strataLinks(two))).toBeDefined();
      expect(await netnsExists(b.ns)).toBe(false);
      const vxlan = (await strataLinks(one)).find(
        (l) => /^vxlan-\d+$/.test(l.ifname) && l.master === bridge(),
      )!;
      const forgotten = async () => (await remoteFdb(one, vxlan.ifname)).every((e) => e.dst !== two.ip);
      expect(
        await within(forgotten, 20_000),
        JSON.stringify(await remoteFdb(one, vxlan.ifname)),
      ).toBeDefined();
    }, 120_000);

    it('leaves no bridge, VXLAN device, veth, nft table or namespace once servers and network are gone', async () => {
      // Whatever an earlier test left (a failed one, or one filtered out).
      const left: Server[] = [];
      for (const s of servers) if ((await serverOf(s.id)) !== undefined) left.push(s);
      for (const s of left) await call('DELETE', `/compute/v2.1/servers/${s.id}`, undefined, 204);
      for (const s of left) await waitFor(s.id, 'DELETED', 60_000);
      await call('DELETE', `/network/v2.0/networks/${net}`, undefined, 204);
      // strata up's router1 ran on one of these hosts, its namespaces under that host's prefix.
      const prefixed = async () =>
        (await readdir(netnsDir)).filter((n) => hosts.some((h) => n.startsWith(namePrefixOf(h))));
      expect((await prefixed()).some((n) => n.includes('qrouter-'))).toBe(true);
      await deleteRouter1();
      expect(
        await within(async () => (await prefixed()).length === 0, 20_000),
        (await prefixed()).join(),
      ).toBeDefined();
      for (const h of hosts) {
        const clean = async () =>
          (await strataLinks(h)).length === 0 && !(await strataTablesPresent(h.netns));
        expect(
          await within(clean, 20_000),
          `${h.name}: ${JSON.stringify(await strataLinks(h))}`,
        ).toBeDefined();
      }
      for (const s of servers) expect(await netnsExists(s.ns)).toBe(false);
    }, 120_000);
  },
);
