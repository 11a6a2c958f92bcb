import { createAll } from '../network-bulk.js';
import type { NetworkCaller } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { lockNetwork } from '../networks/network-store.js';
import type { CreatedPort } from './port-service.js';
import { createPort } from './port-service.js';
import { portAttributes } from './port-schemas.js';

/**
 * Bulk create: every port or none. The networks are locked first, in one order, so two
 * bulk creates on a network take turns instead of deadlocking on each other's addresses;
 * an address a single create takes meanwhile is retried per port, as alone.
 */
export async function createPorts(
  deps: NetworkDeps,
  caller: NetworkCaller,
  items: ReadonlyArray<Record<string, unknown>>,
): Promise<CreatedPort[]> {
  const networks = [...new Set(items.map((i) => String(i['network_id'])))].sort();
  return createAll(
    deps,
    portAttributes,
    items,
    (inner, item) => createPort(inner, caller, item),
    async (tx) => {
      for (const id of networks) await lockNetwork(tx, id, deps.store.traits.name);
    },
  );
}
