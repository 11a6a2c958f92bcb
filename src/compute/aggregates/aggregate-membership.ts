import { ConflictError, NotFoundError } from '../../common/errors.js';
import type { ComputeDeps } from '../compute-deps.js';
import { notFound } from './aggregate-service.js';
import type { Aggregate } from './aggregate-store.js';
import * as store from './aggregate-store.js';
import { checkServersKeepZone, checkZoneChange } from './aggregate-zone-rules.js';

/**
 * add_host: the host joins the aggregate (and its zone) and its resource provider joins
 * the placement aggregate of the same uuid, as Nova mirrors it. A host without a provider
 * is not an error (Nova logs it and sync_aggregates repairs it later).
 */
export async function addHost(deps: ComputeDeps, id: number, host: string): Promise<Aggregate> {
  const db = deps.store.db;
  const at = deps.clock().toISOString();
  const provider = await store.hostProvider(db, host);
  if (provider === undefined)
    throw new NotFoundError('compute.aggregate.host_not_found', `Compute host ${host} could not be found.`);
  const a = await db.transaction().execute(async (tx) => {
    const agg = await store.getAggregate(tx, id);
    if (agg === undefined) throw notFound(id);
    await checkZoneChange(tx, agg, agg.metadata, { action: 'add_host', hosts: [host] });
    await checkServersKeepZone(tx, agg, host, 'add_host');
    if (agg.hosts.includes(host))
      throw new ConflictError('compute.aggregate.host_exists', `Aggregate ${id} already has host ${host}.`);
    await store.addHost(tx, id, host, at);
    await store.refreshHostZones(tx, [host]);
    return agg;
  });
  await deps.placement.setAggregateMembership(provider, a.uuid, true);
  deps.signals.hostsChanged();
  return (await store.getAggregate(db, id))!;
}

/**
 * remove_host: placement first, as Nova does, so a failure there leaves the membership
 * in place for a retry. Every way of naming nothing to remove is the same 404.
 */
export async function removeHost(
  deps: ComputeDeps,
  rawId: string,
  id: number,
  host: string,
): Promise<Aggregate> {
  const db = deps.store.db;
  const cannot = () =>
    new NotFoundError(
      'compute.aggregate.cannot_remove_host',
      `Cannot remove host ${host} in aggregate ${rawId}`,
    );
  const provider = await store.hostProvider(db, host);
  const a = await store.getAggregate(db, id);
  if (provider === undefined || a === undefined || !a.hosts.includes(host)) throw cannot();
  await checkServersKeepZone(db, a, host, 'remove_host');
  await deps.placement.setAggregateMembership(provider, a.uuid, false);
  await db.transaction().execute(async (tx) => {
    await store.removeHost(tx, id, host);
    await store.refreshHostZones(tx, [host]);
  });
  deps.signals.hostsChanged();
  return (await store.getAggregate(db, id))!;
}
