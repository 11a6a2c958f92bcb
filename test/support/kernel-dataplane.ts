import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LinuxDataplaneOptions } from '../../src/agent/dataplane/linux/linux-dataplane.js';
import { LinuxDataplane } from '../../src/agent/dataplane/linux/linux-dataplane.js';
import { RuncDriver } from '../../src/agent/drivers/runc/runc-driver.js';
import { hasCommand } from '../../src/agent/host/command.js';
import { ensureNetns, ipIn } from '../../src/agent/host/netns.js';
import type { TestCloud } from './test-cloud.js';
import { startTestCloud } from './test-cloud.js';

/**
 * Why a Linux dataplane test on the real kernel cannot run here, or undefined when it can:
 * root, the base tools plus `extra`, busybox for the container image, and br_netfilter
 * (the port filter sees bridged traffic only through it).
 */
export function kernelDataplaneSkipReason(extra: ReadonlyArray<string> = []): string | undefined {
  const missing = ['runc', 'ip', 'bridge', 'nft', 'nsenter', ...extra].filter((c) => !hasCommand(c));
  if (process.getuid?.() !== 0) return 'needs root';
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  if (!existsSync('/bin/busybox')) return 'needs /bin/busybox';
  if (!existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables')) return 'needs br_netfilter';
  return undefined;
}

export interface LinuxRuncHost {
  readonly t: TestCloud;
  readonly admin: string;
  readonly driver: RuncDriver;
}

/**
 * The kernel tests' host: a test cloud with no host of its own and one agent, `hostname`,
 * running real runc containers whose host side is the network namespace `hostNs`, wired by
 * the Linux dataplane (`dataplane` adds to its options). State lives under `base`.
 */
export async function startLinuxRuncHost(o: {
  readonly base: string;
  readonly hostNs: string;
  readonly hostname: string;
  readonly dataplane?: Omit<LinuxDataplaneOptions, 'netns' | 'tunnelIp'>;
}): Promise<LinuxRuncHost> {
  await ensureNetns(o.hostNs);
  await ipIn(o.hostNs, ['link', 'set', 'lo', 'up']);
  const t = await startTestCloud('sqlite', { computeDriver: 'none' });
  const admin = await t.adminToken();
  const driver = new RuncDriver({
    stateDir: join(o.base, 'state'),
    cacheDir: join(o.base, 'cache'),
    gracefulStopMs: 2_000,
    hostNetns: o.hostNs,
  });
  const dataplane = new LinuxDataplane({ netns: o.hostNs, tunnelIp: '127.0.0.1', ...o.dataplane });
  await t.cloud.compute.agents.add(o.hostname, driver, { dataplane });
  return { t, admin, driver };
}
