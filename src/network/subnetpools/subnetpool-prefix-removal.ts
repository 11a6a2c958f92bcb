import { parseJson } from '../../db/row-codec.js';
import { parseNetwork } from '../ipam/ip-address.js';
import { cidrsOf, intersects, spansOf, subtract } from '../ipam/prefix-set.js';
import { formatNetwork } from '../ipam/ip-address.js';
import type { NetworkCaller } from '../network-context.js';
import { enforce } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { illegalPrefixUpdate } from './subnetpool-errors.js';
import { findSubnetPool } from './subnetpool-service.js';
import * as store from './subnetpool-store.js';
import { subnetPoolTarget } from './subnetpool-view.js';

/**
 * subnetpool-prefix-ops remove_prefixes: a no-op for prefixes the pool does not hold,
 * refused while a subnet uses any of the addresses, else the rest compacted.
 */
export async function removePrefixes(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  prefixes: string[],
): Promise<{ prefixes: string[] }> {
  return deps.store.write(async (tx) => {
    const row = await findSubnetPool(tx, caller, id);
    enforce(caller, 'remove_prefixes', subnetPoolTarget(row));
    const current = parseJson<string[]>(row.prefixes, []);
    const all = spansOf(current.map(parseNetwork));
    const removal = spansOf(prefixes.map(parseNetwork));
    if (!intersects(all, removal)) return { prefixes: current };
    await store.lockSubnetPoolRow(tx, id, deps.store.traits.name);
    const allocated = spansOf((await store.subnetsOfPool(tx, id)).map((s) => parseNetwork(s.cidr)));
    if (intersects(allocated, removal))
      throw illegalPrefixUpdate('One or more the prefixes to be removed is in use by a subnet');
    const left = cidrsOf(row.ip_version as 4 | 6, subtract(all, removal)).map(formatNetwork);
    await store.updateSubnetPoolRow(tx, row, { prefixes: JSON.stringify(left) }, deps.clock().toISOString());
    return { prefixes: left };
  });
}
