import type { Db } from '../../db/db-handle.js';
import type { SubnetRow } from '../subnets/subnet-store.js';
import type { FixedIpRequest, PlannedAddress } from './port-addresses.js';
import { planAddresses } from './port-addresses.js';
import type { AllocationRow } from './port-store.js';

export interface AddressChange {
  readonly keep: AllocationRow[];
  readonly remove: AllocationRow[];
  readonly add: PlannedAddress[];
}

/**
 * A port's new `fixed_ips` against its current addresses, matched as Neutron matches them:
 * entries with an address keep that address if the port has it; entries with only a
 * subnet keep one of the port's remaining addresses on that subnet; the rest is allocated.
 */
export async function changeAddresses(
  db: Db,
  networkId: string,
  subnets: ReadonlyArray<SubnetRow>,
  current: ReadonlyArray<AllocationRow>,
  wanted: ReadonlyArray<FixedIpRequest>,
  owner: string,
  mac: string,
): Promise<AddressChange> {
  const byIp = new Map(current.map((a) => [a.ip_address, a]));
  const keep: AllocationRow[] = [];
  const toAdd: FixedIpRequest[] = [];
  for (const w of wanted.filter((x) => x.ip_address !== undefined)) {
    const found = byIp.get(w.ip_address!);
    if (found !== undefined && (w.subnet_id === undefined || w.subnet_id === found.subnet_id)) {
      keep.push(found);
      byIp.delete(w.ip_address!);
    } else toAdd.push(w);
  }
  const left = [...byIp.values()];
  for (const w of wanted.filter((x) => x.ip_address === undefined)) {
    const at = left.findIndex((a) => a.subnet_id === w.subnet_id);
    if (at >= 0) keep.push(...left.splice(at, 1));
    else toAdd.push(w);
  }
  const add = toAdd.length === 0 ? [] : await planAddresses(db, networkId, subnets, toAdd, owner, mac);
  return { keep, remove: left, add };
}
