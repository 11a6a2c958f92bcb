import { LinuxDataplane } from '../../agent/dataplane/linux/linux-dataplane.js';
import type { HostNetworkState, HostPort } from '../../agent/dataplane/host-network-state.js';
import { securityRule as rule } from '../../agent/host/nft-rules.js';
import type { BenchOptions, BenchProgress, BenchResult, Benchmark } from '../benchmark.js';
import { skippedResult } from '../benchmark.js';
import { summarize } from '../bench-stats.js';
import {
  addPortDevices,
  benchNetwork,
  benchPort,
  benchTag,
  kernelBenchMissing,
  withBenchNetns,
} from './dataplane-bench-host.js';

const name = 'port-plug';
const samples = 10;
const portsPerNetwork = 50;

/** A typical group: all egress, ping and SSH in. */
const defaultRules = [
  rule({ direction: 'egress' }),
  rule({ protocol: 'icmp' }),
  rule({ protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '0.0.0.0/0' }),
];

function stateOf(tag: string, count: number): HostNetworkState {
  const networks = Array.from({ length: Math.ceil(count / portsPerNetwork) }, (_, n) =>
    benchNetwork(`bench-${tag}-net-${n}`, 60_000 + n),
  );
  const ports: HostPort[] = Array.from({ length: count }, (_, i) =>
    benchPort(tag, i, networks[Math.floor(i / portsPerNetwork)]!.id, defaultRules),
  );
  return { networks, ports, remoteGroups: {} };
}

async function measure(netns: string, tag: string, base: number, progress: BenchProgress) {
  const dp = new LinuxDataplane({ netns, tunnelIp: '127.0.0.1' });
  const all = stateOf(tag, base + samples);
  progress(`${name}: ${base} veth pairs and one sync of a host carrying them`);
  await addPortDevices(netns, all.ports.slice(0, base));
  const first = performance.now();
  await dp.sync({ ...all, ports: all.ports.slice(0, base) });
  const firstSyncMs = performance.now() - first;
  progress(`${name}: ${samples} ports plugged one at a time on top`);
  const plug: number[] = [];
  const pass: number[] = [];
  const both: number[] = [];
  for (let k = 0; k < samples; k++) {
    const port = all.ports[base + k]!;
    // The driver makes the device before the agent asks to plug it; that is not timed.
    await addPortDevices(netns, [port]);
    const t0 = performance.now();
    await dp.plugPort({ ...port, portId: port.id, hostName: port.device, fixedIps: [] });
    const t1 = performance.now();
    await dp.sync({ ...all, ports: all.ports.slice(0, base + k + 1) });
    plug.push(t1 - t0);
    pass.push(performance.now() - t1);
    both.push(performance.now() - t0);
  }
  await dp.close();
  return { firstSyncMs, plug: summarize(plug), pass: summarize(pass), both: summarize(both) };
}

/**
 * The linux dataplane in-process on a namespace of its own: a host with `--dataplane-ports`
 * ports (real veths in 50-port VXLAN networks' bridges, one nft ruleset), then one port more
 * at a time: its plug into the bridge, and the sync pass that adds it to the filter.
 */
export const portPlugBench: Benchmark = {
  name,
  description: 'linux dataplane: plug one more port on a host carrying 500 (bridge + nft sync)',
  run: async (opts: BenchOptions, progress): Promise<BenchResult> => {
    const missing = kernelBenchMissing();
    if (missing !== undefined) return skippedResult(name, missing);
    const tag = benchTag();
    const base = opts.dataplanePorts;
    const r = await withBenchNetns(`sbpp-${tag}`, (ns) => measure(ns, tag, base, progress));
    return {
      name,
      metrics: [
        { name: `first sync of a host with ${base} ports`, value: r.firstSyncMs, unit: 'ms' },
        { name: `plugPort on a host with ${base} ports p50 (n=${samples})`, value: r.plug.p50, unit: 'ms' },
        { name: `sync pass adding that port p50 (n=${samples})`, value: r.pass.p50, unit: 'ms' },
        { name: `plug + sync p50`, value: r.both.p50, unit: 'ms' },
        { name: `plug + sync max`, value: r.both.max, unit: 'ms' },
      ],
    };
  },
};
