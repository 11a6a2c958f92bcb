import { ConflictError, InputError } from '../../common/errors.js';
import type { Db } from '../../db/db-handle.js';
import type { Aggregate } from './aggregate-store.js';
import { serverCountOn, zonedAggregatesOf, zoneKey } from './aggregate-store.js';

/**
 * The action a refused zone change belongs to. Nova words each one differently, and
 * answers 409 for host changes but 400 for name and metadata changes.
 */
export type AggregateAction = 'add_host' | 'remove_host' | 'update' | 'set_metadata';

const lead: Readonly<Record<AggregateAction, string>> = {
  add_host: 'Cannot add host to aggregate',
  remove_host: 'Cannot remove host from aggregate',
  update: 'Cannot update aggregate',
  set_metadata: 'Cannot update metadata of aggregate',
};

/** Nova's InvalidAggregateAction* fault for `action`. */
export function invalidAction(action: AggregateAction, id: number, reason: string): Error {
  const message = `${lead[action]} ${id}. Reason: ${reason}.`;
  return action === 'add_host' || action === 'remove_host'
    ? new ConflictError('compute.aggregate.invalid_action', message)
    : new InputError('compute.aggregate.invalid_action', message);
}

/** Python's repr of a list of strings, as Nova prints the conflicting zones. */
const pyList = (xs: ReadonlyArray<string>) =>
  `[${xs.map((x) => (x.includes("'") && !x.includes('"') ? `"${x}"` : `'${x.replace(/'/g, "\\'")}'`)).join(', ')}]`;

/**
 * Nova's is_safe_to_update_az: a zone may not be empty, no host may be in an aggregate of
 * another zone (a host is in one zone at most), and with `noServersMoved` a zone that
 * changes may not have servers on its hosts (they would change zone under their users).
 */
export async function checkZoneChange(
  db: Db,
  a: Aggregate,
  metadata: Readonly<Record<string, string | null>>,
  opts: { action: AggregateAction; hosts?: ReadonlyArray<string>; noServersMoved?: boolean },
): Promise<void> {
  if (!(zoneKey in metadata)) return;
  const zone = metadata[zoneKey];
  if (!zone)
    throw invalidAction(
      opts.action,
      a.id,
      `Aggregate ${a.name} does not support empty named availability zone`,
    );
  const hosts = opts.hosts ?? a.hosts;
  const conflicting = (await zonedAggregatesOf(db, hosts))
    .filter((z) => z.aggregateId !== a.id && z.zone !== zone)
    .map((z) => z.zone);
  if (conflicting.length > 0)
    throw invalidAction(
      opts.action,
      a.id,
      `One or more hosts already in availability zone(s) ${pyList(conflicting)}`,
    );
  if (opts.noServersMoved && a.metadata[zoneKey] !== zone && (await serverCountOn(db, hosts)) > 0)
    throw invalidAction(opts.action, a.id, 'One or more hosts contain instances in this zone');
}

/**
 * Nova's ensure_no_instances_need_to_move_az_when_host_added/removed: a host with servers
 * may join or leave an aggregate only when that leaves its zone as it was.
 */
export async function checkServersKeepZone(
  db: Db,
  a: Aggregate,
  host: string,
  action: 'add_host' | 'remove_host',
): Promise<void> {
  const aggregateZone = a.metadata[zoneKey];
  if (aggregateZone === undefined) return;
  const servers = await serverCountOn(db, [host]);
  if (servers === 0) return;
  const others = (await zonedAggregatesOf(db, [host])).filter(
    (z) => action === 'add_host' || z.aggregateId !== a.id,
  );
  const before = action === 'add_host' ? (others[0]?.zone ?? 'None') : aggregateZone;
  const after = action === 'add_host' ? aggregateZone : (others[0]?.zone ?? 'None');
  if (before === after) return;
  const verb = action === 'add_host' ? 'added to' : 'removed from';
  throw invalidAction(
    action,
    a.id,
    `The host cannot be ${verb} the aggregate as the availability zone of the host would change ` +
      `from '${before}' to '${after}' but the host already has ${servers} instance(s). Changing the AZ ` +
      'of an existing instance is not supported by this action. Move the instances away from this host ' +
      'then try again. If you need to move the instances between AZs then you can use shelve_offload ' +
      'and unshelve to achieve this.',
  );
}
