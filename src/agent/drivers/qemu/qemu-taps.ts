import { runCommand } from '../../host/command.js';
import type { WorkloadNic } from '../driver.js';
import type { VmRecord } from './qemu-workload.js';

/** Where named network namespaces live (`ip netns add` puts them there). */
export const netnsDir = '/run/netns';

/**
 * The command that runs `binary` in the host network namespace of NICs: nsenter changes
 * only the network namespace (`ip netns exec` would also give QEMU a private mount
 * namespace with its own /sys), and execs, so -daemonize and the pidfile work as without.
 */
export function inNetns(netns: string | undefined, binary: string, args: ReadonlyArray<string>) {
  if (netns === undefined) return { cmd: binary, args: [...args] };
  return { cmd: 'nsenter', args: [`--net=${netnsDir}/${netns}`, '--', binary, ...args] };
}

/**
 * QEMU creates a missing tap itself (down, MTU 1500, a random MAC); the host side gets the
 * port's MTU, the guest MAC with fe: as first byte (a bridge then never takes the tap's MAC
 * for its own) and is set up, ready for the dataplane to plug into a bridge.
 */
export async function configureTap(nic: WorkloadNic, netns?: string): Promise<void> {
  const ns = netns === undefined ? [] : ['-n', netns];
  const set = ['link', 'set', 'dev', nic.hostName, 'mtu', String(nic.mtu), 'address', tapMac(nic.mac), 'up'];
  await runCommand('ip', [...ns, ...set], { timeoutMs: 10_000 });
}

export async function configureTaps(rec: VmRecord, netns?: string): Promise<void> {
  for (const d of rec.devices) if (d.kind === 'nic') await configureTap(d.nic, netns);
}

export function tapMac(guestMac: string): string {
  return `fe${guestMac.slice(2)}`;
}
