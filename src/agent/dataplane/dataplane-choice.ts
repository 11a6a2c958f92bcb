import { existsSync } from 'node:fs';
import { hasCommand } from '../host/command.js';
import type { DataplaneName } from './dataplane-registry.js';

/** `auto` picks the linux dataplane where this host can run it, else the fake one. */
export type DataplaneSetting = DataplaneName | 'auto';

/** What the linux dataplane needs of the host, as found. */
export interface DataplaneHostProbe {
  readonly root: boolean;
  /** Commands it runs that PATH does not have (ip, bridge, nft, dnsmasq). */
  readonly missingCommands: ReadonlyArray<string>;
  /** The kernel's bridge, loaded or built in. */
  readonly bridgeModule: boolean;
  /** br_netfilter: without it bridged packets never reach the security groups' nft chains. */
  readonly brNetfilter: boolean;
}

export interface DataplaneChoice {
  readonly name: DataplaneName;
  /** Why, for the agent's log line. */
  readonly why: string;
}

export const linuxDataplaneCommands = ['ip', 'bridge', 'nft', 'dnsmasq'] as const;

/**
 * The dataplane to run: the one asked for, or with `auto` linux when the host has what it
 * needs and the compute driver makes real workloads (a fake one's have no devices to wire).
 * Pure: the host is described by `probe`.
 */
export function chooseDataplane(
  setting: DataplaneSetting,
  realWorkloads: boolean,
  probe: () => DataplaneHostProbe,
): DataplaneChoice {
  if (setting !== 'auto') return { name: setting, why: 'as configured (--dataplane / STRATA_DATAPLANE)' };
  if (!realWorkloads) return { name: 'fake', why: 'auto: the fake compute driver has no devices to wire' };
  const p = probe();
  const missing = [
    ...(p.root ? [] : ['root']),
    ...p.missingCommands.map((c) => `the ${c} command`),
    ...(p.bridgeModule ? [] : ['the bridge kernel module']),
    ...(p.brNetfilter ? [] : ['the br_netfilter kernel module (modprobe br_netfilter)']),
  ];
  if (missing.length > 0)
    return { name: 'fake', why: `auto: the linux dataplane needs ${missing.join(', ')}` };
  return {
    name: 'linux',
    why: 'auto: running as root with ip, bridge, nft, dnsmasq, bridge and br_netfilter',
  };
}

/** Looks at this host for what the linux dataplane needs. */
export function probeDataplaneHost(): DataplaneHostProbe {
  return {
    root: process.getuid?.() === 0,
    missingCommands: linuxDataplaneCommands.filter((c) => !hasCommand(c)),
    bridgeModule: existsSync('/sys/module/bridge') || existsSync('/sys/class/net/bridge'),
    brNetfilter: existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables'),
  };
}

export function isDataplaneSetting(name: string): name is DataplaneSetting {
  return name === 'auto' || name === 'fake' || name === 'linux';
}
