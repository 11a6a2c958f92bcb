import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeNameOf, bridgePorts, deleteBridge, ensureBridge, plugIntoBridge } from './bridge.js';
import { hasCommand, runCommand } from './command.js';
import { deleteNetns, ensureNetns, ipBatch } from './netns.js';
import { applyNft, deleteStrataTables, strataTablesPresent } from './nft.js';
import { compileAddressGroupUpdate, compileGroupMembersUpdate, compileRuleset } from './nft-ruleset.js';
import type { PortFilter } from './nft-ruleset.js';
import type { SecurityRule } from './nft-rules.js';
import { securityRule as rule } from './nft-rules.js';
import { addVethPair, linkInfo } from './veth.js';
import { NoVlanSupportError, ensureProviderUplink, removeProviderUplink } from './vlan.js';
import {
  deleteVxlan,
  ensureVxlan,
  floodDestinations,
  remoteMacs,
  setFloodDestinations,
  setRemoteMacs,
  vxlanNameOf,
} from './vxlan.js';

// Two "hosts" (namespaces joined by a veth underlay), each with a bridge and a VXLAN device,
// and one workload namespace per host plugged into its host's bridge by a veth.
const missing = ['ip', 'bridge', 'nft', 'busybox'].filter((c) => !hasCommand(c));
const skipReason =
  process.getuid?.() !== 0
    ? 'needs root'
    : missing.length > 0
      ? `missing ${missing.join(', ')}`
      : !existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables')
        ? 'needs br_netfilter'
        : undefined;

const tag = randomBytes(3).toString('hex');
const hostA = `sdp-ha-${tag}`;
const hostB = `sdp-hb-${tag}`;
const wlA = `sdp-wa-${tag}`;
const wlB = `sdp-wb-${tag}`;
const networkId = `0c0ffee0-${tag}-4000-8000-000000000001`;
const bridge = bridgeNameOf(networkId);
const vni = 4242;
const vxlan = vxlanNameOf(vni);
const mtu = 1450;
const ipA = '192.168.77.10';
const ipB = '192.168.77.20';
const spoofed = '192.168.77.99';
const macA = 'fa:16:3e:00:77:0a';
const macB = 'fa:16:3e:00:77:14';

const egressAll = rule({ direction: 'egress' });
const icmpIn = rule({ protocol: 'icmp' });
const tcp5000In = rule({
  protocol: 'tcp',
  port_range_min: 5000,
  port_range_max: 5000,
  remote_ip_prefix: '192.168.77.0/24',
});

const portA = (pairs: PortFilter['allowedAddressPairs'] = []): PortFilter => ({
  portId: `a-${tag}`,
  device: 'tapa',
  bridge,
  mac: macA,
  fixedIps: [ipA],
  allowedAddressPairs: pairs,
  portSecurityEnabled: true,
  rules: [egressAll, rule({})],
});
const portB = (rules: SecurityRule[]): PortFilter => ({
  portId: `b-${tag}`,
  device: 'tapb',
  bridge,
  mac: macB,
  fixedIps: [ipB],
  allowedAddressPairs: [],
  portSecurityEnabled: true,
  rules,
});

async function ok(p: Promise<unknown>): Promise<boolean> {
  return p.then(
    () => true,
    () => false,
  );
}
const ping = (from: string, to: string, source?: string) =>
  ok(
    runCommand(
      'ip',
      ['netns', 'exec', from, 'busybox', 'ping', '-c', '1', '-W', '1', ...(source ? ['-I', source] : []), to],
      {
        timeoutMs: 3000,
      },
    ),
  );
const tcpConnect = (from: string, to: string, port: number) =>
  ok(
    runCommand('ip', ['netns', 'exec', from, 'busybox', 'nc', '-w', '1', to, String(port)], {
      timeoutMs: 3000,
    }),
  );

/** Pings until it answers (the first packets wait for ARP over the tunnel). */
async function pingSoon(from: string, to: string, source?: string): Promise<boolean> {
  for (let i = 0; i < 3; i++) if (await ping(from, to, source)) return true;
  return false;
}

async function makeHost(ns: string, underlay: string, remote: string): Promise<void> {
  await ipBatch(ns, ['link set lo up', 'link set ul0 up', `addr add ${underlay}/24 dev ul0`]);
  for (let i = 0; i < 2; i++) {
    // Twice: every step must be idempotent.
    await ensureBridge(ns, bridge, mtu);
    await ensureVxlan(ns, { name: vxlan, vni, local: underlay, bridge, mtu });
    await setFloodDestinations(ns, vxlan, [remote]);
  }
}

async function makeWorkload(
  host: string,
  ns: string,
  device: string,
  mac: string,
  ip: string,
): Promise<void> {
  await ensureNetns(ns);
  await addVethPair({
    hostNetns: host,
    hostName: device,
    peerNetns: ns,
    peerName: 'eth0',
    peerMac: mac,
    mtu,
  });
  await plugIntoBridge(host, device, bridge, mtu);
  await ipBatch(ns, ['link set lo up', 'link set eth0 up', `addr add ${ip}/24 dev eth0`]);
}

describe.skipIf(skipReason !== undefined)(
  `linux dataplane on the kernel${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let server: ChildProcess | undefined;

    beforeAll(async () => {
      await ensureNetns(hostA);
      await ensureNetns(hostB);
      await addVethPair({
        hostNetns: hostA,
        hostName: 'ul0',
        peerNetns: hostB,
        peerName: 'ul0',
        peerMac: '02:00:00:99:00:02',
        mtu: 1500,
      });
      await makeHost(hostA, '10.99.0.1', '10.99.0.2');
      await makeHost(hostB, '10.99.0.2', '10.99.0.1');
      await makeWorkload(hostA, wlA, 'tapa', macA, ipA);
      await makeWorkload(hostB, wlB, 'tapb', macB, ipB);
      server = spawn(
        'ip',
        [
          'netns',
          'exec',
          wlB,
          process.execPath,
          '-e',
          "require('net').createServer((s) => s.end()).listen(5000)",
        ],
        {
          stdio: 'ignore',
        },
      );
    }, 30_000);

    afterAll(async () => {
      server?.kill('SIGKILL');
      if (process.env['KEEP'] === undefined)
        for (const ns of [wlA, wlB, hostA, hostB]) await deleteNetns(ns).catch(() => undefined);
    }, 30_000);

    it('builds a bridge with the VXLAN device and the workload port, and floods to the other host', async () => {
      expect((await bridgePorts(hostA, bridge)).sort()).toEqual(['tapa', vxlan]);
      expect(await floodDestinations(hostA, vxlan)).toEqual(['10.99.0.2']);
      // Ensuring again keeps the device (a new one would have lost its FDB).
      await ensureVxlan(hostA, { name: vxlan, vni, local: '10.99.0.1', bridge, mtu });
      expect(await floodDestinations(hostA, vxlan)).toEqual(['10.99.0.2']);
      expect((await linkInfo(hostA, 'tapa'))?.mtu).toBe(mtu);
      expect(await pingSoon(wlA, ipB)).toBe(true);
    }, 20_000);

    it("sends known unicast straight to the remote port's host", async () => {
      await setRemoteMacs(hostA, vxlan, new Map([[macB, '10.99.0.2']]));
      await setRemoteMacs(hostA, vxlan, new Map([[macB, '10.99.0.2']]));
      expect(await remoteMacs(hostA, vxlan)).toEqual(new Map([[macB, '10.99.0.2']]));
      await setFloodDestinations(hostA, vxlan, []);
      await runCommand('ip', ['-n', wlA, 'neigh', 'replace', ipB, 'lladdr', macB, 'dev', 'eth0']);
      // Nothing floods now: the ping reaches B through its MAC's entry alone.
      expect(await pingSoon(wlA, ipB)).toBe(true);
      await setFloodDestinations(hostA, vxlan, ['10.99.0.2']);
      await runCommand('ip', ['-n', wlA, 'neigh', 'del', ipB, 'dev', 'eth0']);
      await setRemoteMacs(hostA, vxlan, new Map());
      expect(await remoteMacs(hostA, vxlan)).toEqual(new Map());
    }, 20_000);

    it('lets a group allowing only ICMP pass ping and drop TCP; a rule change applies within a second', async () => {
      await applyNft(hostA, compileRuleset([portA()], new Map()));
      await applyNft(hostB, compileRuleset([portB([egressAll, icmpIn])], new Map()));
      expect(await pingSoon(wlA, ipB)).toBe(true);
      expect(await tcpConnect(wlA, ipB, 5000)).toBe(false);

      const started = Date.now();
      await applyNft(hostB, compileRuleset([portB([egressAll, icmpIn, tcp5000In])], new Map()));
      expect(await tcpConnect(wlA, ipB, 5000)).toBe(true);
      expect(Date.now() - started).toBeLessThan(1000);

      await applyNft(hostB, compileRuleset([portB([egressAll])], new Map()));
      expect(await tcpConnect(wlA, ipB, 5000)).toBe(false);
      expect(await ping(wlA, ipB)).toBe(false);
    }, 20_000);

    it('drops a spoofed source address unless it is an allowed address pair', async () => {
      await applyNft(hostB, compileRuleset([portB([egressAll, icmpIn])], new Map()));
      await ipBatch(wlA, [`addr add ${spoofed}/32 dev eth0`]);
      expect(await ping(wlA, ipB, spoofed)).toBe(false);
      expect(await pingSoon(wlA, ipB)).toBe(true);
      await applyNft(hostA, compileRuleset([portA([{ ip_address: spoofed }])], new Map()));
      expect(await pingSoon(wlA, ipB, spoofed)).toBe(true);
    }, 20_000);

    it("admits a remote group's members through its set, and follows membership changes", async () => {
      const fromGroup = rule({
        protocol: 'tcp',
        port_range_min: 5000,
        port_range_max: 5000,
        remote_group_id: 'g1',
      });
      // Rules of every class beside it, so the kernel is shown it takes them all.
      const others = [
        rule({ ethertype: 'IPv6', protocol: 'icmp', port_range_min: 128, port_range_max: 0 }),
        rule({ protocol: 'udp', port_range_min: 53, port_range_max: 53, remote_ip_prefix: '10.0.0.0/8' }),
        rule({ protocol: 'gre' }),
        rule({
          ethertype: 'IPv6',
          protocol: 'tcp',
          port_range_min: 22,
          port_range_max: 22,
          remote_group_id: 'g1',
        }),
      ];
      await applyNft(
        hostB,
        compileRuleset([portB([egressAll, fromGroup, ...others])], new Map([['g1', [ipA, 'fd00::a']]])),
      );
      expect(await tcpConnect(wlA, ipB, 5000)).toBe(true);
      await applyNft(hostB, compileGroupMembersUpdate('g1', ['192.168.77.30']));
      expect(await tcpConnect(wlA, ipB, 5000)).toBe(false);
      await applyNft(hostB, compileGroupMembersUpdate('g1', ['192.168.77.0/28']));
      expect(await tcpConnect(wlA, ipB, 5000)).toBe(true);
    }, 20_000);

    it("admits an address group's CIDRs through its set, and follows address changes", async () => {
      const ag = `a9000000-${tag}-4000-8000-00000000000a`;
      const fromAg = rule({
        protocol: 'tcp',
        port_range_min: 5000,
        port_range_max: 5000,
        remote_address_group_id: ag,
      });
      const v6FromAg = rule({ ...fromAg, ethertype: 'IPv6' });
      const rules = [egressAll, fromAg, v6FromAg];
      await applyNft(
        hostB,
        compileRuleset([portB(rules)], new Map(), new Map([[ag, ['10.0.0.0/8', 'fd00::/8']]])),
      );
      expect(await tcpConnect(wlA, ipB, 5000)).toBe(false);
      await applyNft(hostB, compileAddressGroupUpdate(ag, ['10.0.0.0/8', '192.168.77.8/29', 'fd00::/8']));
      expect(await tcpConnect(wlA, ipB, 5000)).toBe(true);
      await applyNft(hostB, compileAddressGroupUpdate(ag, ['192.168.77.0/32']));
      expect(await tcpConnect(wlA, ipB, 5000)).toBe(false);
    }, 20_000);

    it('connects a flat provider network by plugging the physical interface', async () => {
      // No dummy driver in every kernel: a veth stands in for the NIC.
      await ipBatch(hostA, ['link add phys0 type veth peer name phys0p']);
      const flatBridge = bridgeNameOf(`5e6f7a8b-${tag}`);
      await ensureBridge(hostA, flatBridge, 1500);
      const flatUplink = { physicalInterface: 'phys0', vlanId: undefined, bridge: flatBridge, mtu: 1500 };
      expect(await ensureProviderUplink(hostA, flatUplink)).toBe('phys0');
      expect(await ensureProviderUplink(hostA, flatUplink)).toBe('phys0');
      expect(await bridgePorts(hostA, flatBridge)).toEqual(['phys0']);
      await removeProviderUplink(hostA, flatUplink);
      expect(await bridgePorts(hostA, flatBridge)).toEqual([]);
      expect((await linkInfo(hostA, 'phys0'))?.kind).toBe('veth');
    }, 20_000);

    it('connects a VLAN provider network through a subinterface of the physical interface', async (ctx) => {
      await ipBatch(hostA, ['link add phys1 type veth peer name phys1p']);
      const vlanBridge = bridgeNameOf(`1a2b3c4d-${tag}`);
      await ensureBridge(hostA, vlanBridge, 1500);
      const vlanUplink = { physicalInterface: 'phys1', vlanId: 100, bridge: vlanBridge, mtu: 1500 };
      try {
        expect(await ensureProviderUplink(hostA, vlanUplink)).toBe('phys1.100');
      } catch (err) {
        if (err instanceof NoVlanSupportError) return ctx.skip(err.message);
        throw err;
      }
      expect(await ensureProviderUplink(hostA, vlanUplink)).toBe('phys1.100');
      expect((await linkInfo(hostA, 'phys1.100'))?.kind).toBe('vlan');
      expect(await bridgePorts(hostA, vlanBridge)).toEqual(['phys1.100']);
      await removeProviderUplink(hostA, vlanUplink);
      await removeProviderUplink(hostA, vlanUplink);
      expect(await linkInfo(hostA, 'phys1.100')).toBeUndefined();
    }, 20_000);

    it('tears everything down idempotently', async () => {
      expect(await strataTablesPresent(hostA)).toBe(true);
      await deleteStrataTables(hostA);
      await deleteStrataTables(hostA);
      expect(await strataTablesPresent(hostA)).toBe(false);
      await setFloodDestinations(hostA, vxlan, []);
      expect(await floodDestinations(hostA, vxlan)).toEqual([]);
      expect(await deleteVxlan(hostA, vxlan)).toBe(true);
      expect(await deleteVxlan(hostA, vxlan)).toBe(false);
      expect(await deleteBridge(hostA, bridge)).toBe(true);
      expect(await deleteBridge(hostA, bridge)).toBe(false);
      expect(await linkInfo(hostA, bridge)).toBeUndefined();
    }, 20_000);
  },
);
