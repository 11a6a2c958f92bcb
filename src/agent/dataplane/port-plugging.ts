import type { WorkloadNic } from '../drivers/driver.js';
import type { DeviceControlPlane } from '../transport/control-plane.js';
import type { NetworkDataplane } from './network-dataplane.js';

/** Nova's [DEFAULT] vif_plugging_timeout (seconds there) and vif_plugging_is_fatal. */
export interface VifPlugging {
  readonly timeoutMs: number;
  readonly fatal: boolean;
}

export const defaultVifPlugging: VifPlugging = { timeoutMs: 300_000, fatal: true };

export interface PortPlugDeps {
  readonly hostname: string;
  readonly dataplane: NetworkDataplane;
  readonly devices: DeviceControlPlane;
  readonly vifPlugging: VifPlugging;
}

/** Nova's VirtualInterfaceCreateException: the build is aborted, not rescheduled. */
export class VifPluggingFailed extends Error {
  constructor() {
    super('Virtual Interface creation failed');
  }
}

/**
 * Wires the NICs' ports on this host, then reports each plugged: the network service
 * marks it ACTIVE (Neutron's network-vif-plugged). The workload starts only once every
 * port is reported, or when `vif_plugging_timeout` passes: then, as Nova, the build fails
 * if plugging is fatal, else goes on. A timeout of 0 does not wait for the reports.
 */
export async function plugNics(
  d: PortPlugDeps,
  serverId: string,
  nics: ReadonlyArray<WorkloadNic>,
  signal: AbortSignal,
): Promise<void> {
  if (nics.length === 0) return;
  for (const nic of nics) {
    await d.dataplane.ensureNetwork({ id: nic.networkId, mtu: nic.mtu }, signal);
    await d.dataplane.plugPort(nic, signal);
  }
  const deadline = Date.now() + d.vifPlugging.timeoutMs;
  let pending = [...nics];
  for (let delay = 20; ; delay = Math.min(delay * 2, 1000)) {
    const accepted = await Promise.all(
      pending.map((n) => d.devices.reportPort(d.hostname, serverId, n.portId, 'ACTIVE', d.dataplane.vifType)),
    );
    pending = pending.filter((_, i) => !accepted[i]);
    if (pending.length === 0 || d.vifPlugging.timeoutMs === 0) return;
    if (Date.now() >= deadline) {
      if (d.vifPlugging.fatal) throw new VifPluggingFailed();
      return;
    }
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())), signal);
  }
}

/** Takes the NICs' devices off this host (after the workload is gone or the NIC detached). */
export async function unplugNics(
  d: Pick<PortPlugDeps, 'dataplane'>,
  nics: ReadonlyArray<WorkloadNic>,
  signal: AbortSignal,
): Promise<void> {
  for (const nic of nics) await d.dataplane.unplugPort(nic, signal);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
