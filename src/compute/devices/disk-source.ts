import type { WorkloadDevice } from '../../agent/drivers/driver.js';
import type { ComputeDeps } from '../compute-deps.js';
import { getHostByName } from '../hosts/host-store.js';

/**
 * A server's devices as its host must open them: each volume's disk comes from block
 * storage for that host (the pool file on the volume backend's host, an NBD export on any
 * other), as Nova initializes a volume connection with the host's connector.
 */
export async function devicesForHost<T extends { readonly device: WorkloadDevice }>(
  deps: ComputeDeps,
  serverId: string,
  host: string | null,
  items: ReadonlyArray<T>,
): Promise<T[]> {
  const volumes = deps.volumes();
  if (volumes === undefined || host === null || !items.some((it) => it.device.kind === 'disk'))
    return [...items];
  // A fake host opens nothing: it keeps the disks as they were asked for.
  if ((await getHostByName(deps.store.db, host))?.driver === 'fake') return [...items];
  const out: T[] = [];
  for (const it of items) {
    const d = it.device;
    if (d.kind !== 'disk') out.push(it);
    else
      out.push({ ...it, device: { kind: 'disk', disk: await volumes.diskForHost(serverId, host, d.disk) } });
  }
  return out;
}
