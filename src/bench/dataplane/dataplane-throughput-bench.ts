import { runCommand } from '../../agent/host/command.js';
import { deleteNetns, ensureNetns, ipIn } from '../../agent/host/netns.js';
import { LinuxDataplane } from '../../agent/dataplane/linux/linux-dataplane.js';
import type { HostNetworkState, HostPort } from '../../agent/dataplane/host-network-state.js';
import { securityRule } from '../../agent/host/nft-rules.js';
import type { BenchOptions, BenchProgress, BenchResult, Benchmark } from '../benchmark.js';
import { skippedResult } from '../benchmark.js';
import {
  addPortDevices,
  benchNetwork,
  benchPort,
  benchTag,
  kernelBenchMissing,
  peerOf,
} from './dataplane-bench-host.js';
import { iperfBitsPerSecond, plainVethBitsPerSecond } from './iperf.js';

const name = 'dataplane-throughput';
const seconds = 5;
const mtu = 1450;
const underlay = ['10.253.0.1', '10.253.0.2'] as const;

interface Bench {
  readonly tag: string;
  readonly hosts: readonly [string, string];
  /** Ports 0 and 1 on the first host, port 2 on the second. */
  readonly ports: readonly [HostPort, HostPort, HostPort];
  readonly workloads: readonly [string, string, string];
}

/** Two "hosts" (namespaces) joined by a veth as their underlay, each with its VXLAN endpoint. */
async function addHosts(hosts: readonly [string, string]): Promise<void> {
  for (const h of hosts) {
    await ensureNetns(h);
    await ipIn(h, ['link', 'set', 'lo', 'up']);
  }
  await ipIn(hosts[0], [
    'link',
    'add',
    'under0',
    'type',
    'veth',
    'peer',
    'name',
    'under0',
    'netns',
    hosts[1],
  ]);
  for (const [i, h] of hosts.entries()) {
    await ipIn(h, ['addr', 'add', `${underlay[i]}/30`, 'dev', 'under0']);
    await ipIn(h, ['link', 'set', 'under0', 'up']);
  }
}

/** Moves a port's workload end into a namespace of its own, as a container's eth0 with the port's address. */
async function addWorkload(host: string, ns: string, port: HostPort): Promise<void> {
  await ensureNetns(ns);
  await ipIn(host, ['link', 'set', peerOf(port.device), 'netns', ns]);
  await ipIn(ns, ['link', 'set', peerOf(port.device), 'name', 'eth0']);
  await ipIn(ns, ['link', 'set', 'eth0', 'address', port.mac, 'mtu', String(port.mtu)]);
  await ipIn(ns, ['addr', 'add', `${port.fixedIps[0]}/24`, 'dev', 'eth0']);
  for (const dev of ['lo', 'eth0']) await ipIn(ns, ['link', 'set', dev, 'up']);
}

/** What each host's controller is told: the network, its own ports, where the other's are. */
function stateOf(b: Bench, host: 0 | 1): HostNetworkState {
  const mine = host === 0 ? b.ports.slice(0, 2) : b.ports.slice(2);
  const theirs = host === 0 ? b.ports.slice(2) : b.ports.slice(0, 2);
  const network = {
    ...benchNetwork(b.ports[0].networkId, 61_000),
    remoteHosts: [underlay[1 - host]!],
    remotePorts: theirs.map((p) => ({ mac: p.mac, tunnelIp: underlay[1 - host]! })),
  };
  return { networks: [network], ports: mine, remoteGroups: {} };
}

async function until(ok: () => Promise<boolean>, what: string): Promise<void> {
  for (const end = Date.now() + 20_000; Date.now() < end;) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name}: ${what}`);
}

const pings = (from: string, to: string) =>
  runCommand('ip', ['netns', 'exec', from, '/bin/busybox', 'ping', '-c1', '-W1', to]).then(
    () => true,
    () => false,
  );

async function measure(b: Bench, progress: BenchProgress) {
  await addHosts(b.hosts);
  const dataplanes = b.hosts.map((netns, i) => new LinuxDataplane({ netns, tunnelIp: underlay[i] }));
  try {
    for (const [i, p] of b.ports.entries()) await addPortDevices(b.hosts[i < 2 ? 0 : 1], [p]);
    for (const [i, dp] of dataplanes.entries()) await dp.sync(stateOf(b, i as 0 | 1));
    for (const [i, p] of b.ports.entries()) await addWorkload(b.hosts[i < 2 ? 0 : 1], b.workloads[i]!, p);
    const [w0, w1, w2] = b.workloads;
    const ip0 = b.ports[0].fixedIps[0]!;
    await until(() => pings(w1, ip0), 'same-host ping never answered');
    await until(() => pings(w2, ip0), 'cross-host ping over VXLAN never answered');
    progress(`${name}: iperf3 ${seconds} s each: same host, across hosts, plain veth`);
    return {
      sameHost: await iperfBitsPerSecond(w0, w1, ip0, seconds),
      acrossHosts: await iperfBitsPerSecond(w0, w2, ip0, seconds),
      plainVeth: await plainVethBitsPerSecond(`sbtp-${b.tag}-v`, mtu, seconds),
    };
  } finally {
    for (const dp of dataplanes) await dp.close();
  }
}

/**
 * TCP throughput between workloads' network namespaces through the linux dataplane: two on
 * one host's bridge, and one on a second host over VXLAN across a veth underlay, each port
 * behind its security-group filter, against a bare veth pair at the same MTU.
 */
export const dataplaneThroughputBench: Benchmark = {
  name,
  description:
    'linux dataplane: iperf3 TCP throughput on one bridge, across hosts over VXLAN, and a bare veth',
  run: async (_opts: BenchOptions, progress): Promise<BenchResult> => {
    const missing = kernelBenchMissing(['iperf3']);
    if (missing !== undefined) return skippedResult(name, missing);
    const tag = benchTag();
    const networkId = `bench-${tag}-net`;
    const rules = [securityRule(), securityRule({ direction: 'egress' })];
    const bench: Bench = {
      tag,
      hosts: [`sbtp-${tag}-h0`, `sbtp-${tag}-h1`],
      ports: [0, 1, 2].map((i) => benchPort(tag, i + 1, networkId, rules)) as unknown as Bench['ports'],
      workloads: [`sbtp-${tag}-w0`, `sbtp-${tag}-w1`, `sbtp-${tag}-w2`],
    };
    try {
      const r = await measure(bench, progress);
      const mbit = (bps: number) => bps / 1e6;
      return {
        name,
        metrics: [
          { name: `same host, one bridge (${seconds} s)`, value: mbit(r.sameHost), unit: 'Mbit/s' },
          { name: `across hosts over VXLAN (${seconds} s)`, value: mbit(r.acrossHosts), unit: 'Mbit/s' },
          { name: `bare veth pair, MTU ${mtu} (reference)`, value: mbit(r.plainVeth), unit: 'Mbit/s' },
        ],
        notes: [`TCP, one stream, iperf3 -t ${seconds}; every port behind its nft filter`],
      };
    } finally {
      // A host's namespace takes its bridges, VXLAN devices and nft tables with it.
      for (const ns of [...bench.workloads, ...bench.hosts]) await deleteNetns(ns).catch(() => undefined);
    }
  },
};
