import { isCloudError } from '../../common/errors.js';
import type { NetworkCaller } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { updatePort } from './port-service.js';
import { allocationsOf } from './port-store.js';

/** An admin acting for compute (Nova updates ports with its own service credentials). */
const service: NetworkCaller = { projectId: undefined, isAdmin: true, can: () => true };

async function devicePorts(deps: NetworkDeps, deviceId: string, networkId?: string) {
  let q = deps.store.db.selectFrom('ports').selectAll().where('device_id', '=', deviceId);
  if (networkId !== undefined) q = q.where('network_id', '=', networkId);
  return q.orderBy('created_at').orderBy('id').execute();
}

/**
 * Nova's add_fixed_ip_to_instance: one more address on the device's port on the network,
 * from the first of the network's subnets that has one (each port, then each subnet, is
 * tried in turn). Returns the address, or undefined when the device has no port on the
 * network or no subnet could give one.
 */
export async function addFixedIpOnNetwork(
  deps: NetworkDeps,
  deviceId: string,
  networkId: string,
): Promise<string | undefined> {
  const ports = await devicePorts(deps, deviceId, networkId);
  const subnets = await deps.store.db
    .selectFrom('subnets')
    .select('id')
    .where('network_id', '=', networkId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const current = await allocationsOf(deps.store.db, ports);
  for (const port of ports) {
    const have = (current.get(port.id) ?? []).map((a) => ({
      subnet_id: a.subnet_id,
      ip_address: a.ip_address,
    }));
    for (const subnet of subnets) {
      try {
        await updatePort(deps, service, port.id, { fixed_ips: [...have, { subnet_id: subnet.id }] });
      } catch (err) {
        // Neutron refused this subnet (exhausted, say): the next one may do.
        if (isCloudError(err)) continue;
        throw err;
      }
      const after = (await allocationsOf(deps.store.db, [port])).get(port.id) ?? [];
      return after.find((a) => !have.some((h) => h.ip_address === a.ip_address))?.ip_address;
    }
  }
  return undefined;
}

/** Nova's remove_fixed_ip_from_instance: drops the address from the device's port holding it; false when none does. */
export async function removeFixedIpFromDevice(
  deps: NetworkDeps,
  deviceId: string,
  address: string,
): Promise<boolean> {
  const ports = await devicePorts(deps, deviceId);
  const current = await allocationsOf(deps.store.db, ports);
  for (const port of ports) {
    const ips = current.get(port.id) ?? [];
    if (!ips.some((a) => a.ip_address === address)) continue;
    const keep = ips
      .filter((a) => a.ip_address !== address)
      .map((a) => ({ subnet_id: a.subnet_id, ip_address: a.ip_address }));
    await updatePort(deps, service, port.id, { fixed_ips: keep });
    return true;
  }
  return false;
}
