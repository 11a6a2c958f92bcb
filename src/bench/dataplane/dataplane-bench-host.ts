import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hasCommand, runCommand } from '../../agent/host/command.js';
import type { HostNetwork, HostPort } from '../../agent/dataplane/host-network-state.js';
import type { SecurityRule } from '../../agent/host/nft-rules.js';
import { deleteNetns, ensureNetns, ipBatch, ipIn } from '../../agent/host/netns.js';

/**
 * Why the kernel dataplane benchmarks cannot run here (root, iproute2, nft, busybox,
 * br_netfilter and `extra`), or undefined when they can.
 */
export function kernelBenchMissing(extra: ReadonlyArray<string> = []): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (bridges, veths, nftables)';
  const missing = ['ip', 'bridge', 'nft', 'nsenter', ...extra].filter((c) => !hasCommand(c));
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  if (!existsSync('/bin/busybox')) return 'needs /bin/busybox';
  if (!existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables')) return 'needs br_netfilter';
  return undefined;
}

/** A short random tag: every name a benchmark makes carries it, so runs never collide. */
export function benchTag(): string {
  return randomBytes(3).toString('hex');
}

/** Runs `fn` with a fresh network namespace as "the host", deleted afterwards even on failure. */
export async function withBenchNetns<T>(name: string, fn: (netns: string) => Promise<T>): Promise<T> {
  await ensureNetns(name);
  try {
    await ipIn(name, ['link', 'set', 'lo', 'up']);
    return await fn(name);
  } finally {
    // Deleting the namespace takes its bridges, veths, VXLAN devices and nft tables with it.
    await deleteNetns(name).catch(() => undefined);
  }
}

/** A VXLAN tenant network as the host state carries it, on no other host. */
export function benchNetwork(id: string, vni: number): HostNetwork {
  return {
    id,
    mtu: 1450,
    networkType: 'vxlan',
    segmentationId: vni,
    physicalNetwork: null,
    subnets: [],
    remoteHosts: [],
    remotePorts: [],
  };
}

/** Port number `i` (< 65,536) of a benchmark: its device name, MAC and address derive from `i`. */
export function benchPort(
  tag: string,
  i: number,
  networkId: string,
  rules: ReadonlyArray<SecurityRule>,
): HostPort {
  const hi = (i >> 8) & 0xff;
  const lo = i & 0xff;
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return {
    id: `bench-${tag}-port-${i}`,
    networkId,
    device: `b${tag}${i.toString(36)}`.slice(0, 15),
    mac: `fa:16:3e:b0:${hex(hi)}:${hex(lo)}`,
    mtu: 1450,
    fixedIps: [`10.${200 + (hi >> 6)}.${hi & 0x3f}.${lo}`],
    allowedAddressPairs: [],
    portSecurityEnabled: true,
    rules,
  };
}

/** The workload end of a port's veth: its device name with a `w` in front (still 15 bytes at most). */
export function peerOf(device: string): string {
  return `w${device}`.slice(0, 15);
}

/** Veth pairs for the ports' devices, both ends in `netns` (the far end stands for the workload). */
export async function addPortDevices(netns: string, ports: ReadonlyArray<HostPort>): Promise<void> {
  const lines = ports.map(
    (p) => `link add ${p.device} mtu ${p.mtu} up type veth peer name ${peerOf(p.device)}`,
  );
  // iproute2's batch mode: one process for hundreds of links.
  for (let i = 0; i < lines.length; i += 200) await ipBatch(netns, lines.slice(i, i + 200));
}

/** The nft rule count of the namespace's ruleset (a check that a transaction really landed). */
export async function nftRuleset(netns: string): Promise<string> {
  return (await runCommand('ip', ['netns', 'exec', netns, 'nft', 'list', 'ruleset'])).stdout;
}
