import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { isSet, parseJson } from '../../db/row-codec.js';
import type { ComputeHostTable } from '../../db/schema.js';
import type { Db } from '../../db/db-handle.js';

/** A compute host as its agent registered it (Nova's service and hypervisor in one). */
export interface ComputeHost {
  readonly id: string;
  /** Nova's integer id for the host's service and hypervisor (shown before 2.53). */
  readonly serviceNumber: number;
  readonly hostname: string;
  readonly driver: string;
  readonly availabilityZone: string;
  readonly status: 'enabled' | 'disabled';
  readonly disabledReason: string | null;
  readonly forcedDown: boolean;
  readonly lastHeartbeat: string;
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly localGb: number;
  /** Driver facts; hypervisor_type, hypervisor_version, host_ip and cpu_info are shown when present. */
  readonly facts: Readonly<Record<string, unknown>>;
}

/** What live servers placed on a host consume. */
export interface HostUsage {
  readonly vcpusUsed: number;
  readonly memoryMbUsed: number;
  readonly localGbUsed: number;
  readonly runningVms: number;
  /** Servers with a task in progress (Nova's current_workload). */
  readonly currentWorkload: number;
}

export interface HostServer {
  readonly id: string;
  readonly name: string;
}

const toHost = (r: Readonly<Selectable<ComputeHostTable>>): ComputeHost => ({
  id: r.id,
  serviceNumber: r.service_number,
  hostname: r.hostname,
  driver: r.driver,
  availabilityZone: r.availability_zone,
  status: r.status,
  disabledReason: r.disabled_reason,
  forcedDown: isSet(r.forced_down),
  lastHeartbeat: r.last_heartbeat,
  vcpus: r.vcpus,
  memoryMb: r.memory_mb,
  localGb: r.local_gb,
  facts: parseJson(r.facts, {}),
});

export const noUsage: HostUsage = {
  vcpusUsed: 0,
  memoryMbUsed: 0,
  localGbUsed: 0,
  runningVms: 0,
  currentWorkload: 0,
};

/**
 * The number a new host row takes: one past the highest (rows are never renumbered).
 * Two hosts registering at the same instant on PostgreSQL can collide on the unique index;
 * the later registration then fails and the agent registers again.
 */
export const nextServiceNumber = sql<number>`(select coalesce(max(service_number), 0) + 1 from compute_hosts)`;

/** A host by its integer id (Nova's id before 2.53). */
export async function getHostByNumber(db: Db, n: number): Promise<ComputeHost | undefined> {
  const r = await db
    .selectFrom('compute_hosts')
    .selectAll()
    .where('service_number', '=', n)
    .executeTakeFirst();
  return r && toHost(r);
}

/** Hosts by name (Nova lists by its integer id; names are the stable, readable order here). */
export async function listHosts(db: Db): Promise<ComputeHost[]> {
  const rows = await db.selectFrom('compute_hosts').selectAll().orderBy('hostname').execute();
  return rows.map(toHost);
}

export async function getHost(db: Db, id: string): Promise<ComputeHost | undefined> {
  const r = await db.selectFrom('compute_hosts').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toHost(r);
}

/** The host a server names in its `host` column. */
export async function getHostByName(db: Db, hostname: string): Promise<ComputeHost | undefined> {
  const r = await db
    .selectFrom('compute_hosts')
    .selectAll()
    .where('hostname', '=', hostname)
    .executeTakeFirst();
  return r && toHost(r);
}

/** Usage per hostname, from servers not yet deleted whose `host` is that hostname ('all': every host). */
export async function hostUsage(
  db: Db,
  hostnames: ReadonlyArray<string> | 'all',
): Promise<Map<string, HostUsage>> {
  const out = new Map<string, HostUsage>();
  if (hostnames !== 'all' && hostnames.length === 0) return out;
  let q = db
    .selectFrom('servers')
    .select((eb) => [
      'host',
      eb.fn.countAll<number>().as('running'),
      eb.fn.sum<number>('vcpus').as('vcpus'),
      eb.fn.sum<number>('memory_mb').as('memory'),
      eb.fn.sum<number>('root_gb').as('disk'),
      eb.fn.count<number>('task_state').as('busy'),
    ])
    .where('host', 'is not', null)
    .where('deleted_at', 'is', null)
    .groupBy('host');
  if (hostnames !== 'all') q = q.where('host', 'in', hostnames);
  for (const r of await q.execute()) {
    out.set(r.host!, {
      vcpusUsed: Number(r.vcpus),
      memoryMbUsed: Number(r.memory),
      localGbUsed: Number(r.disk),
      runningVms: Number(r.running),
      currentWorkload: Number(r.busy),
    });
  }
  return out;
}

export async function serversOnHost(db: Db, hostname: string): Promise<HostServer[]> {
  return db
    .selectFrom('servers')
    .select(['id', 'name'])
    .where('host', '=', hostname)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** 2.11: the operator says the host is down (fenced); false when no host has that name. */
export async function setHostForcedDown(db: Db, hostname: string, forcedDown: boolean): Promise<boolean> {
  const r = await db
    .updateTable('compute_hosts')
    .set({ forced_down: forcedDown ? 1 : 0 })
    .where('hostname', '=', hostname)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The operator's switch; returns false when no host has that name. */
export async function setHostStatus(
  db: Db,
  hostname: string,
  status: 'enabled' | 'disabled',
  reason: string | null,
): Promise<boolean> {
  const r = await db
    .updateTable('compute_hosts')
    .set({ status, disabled_reason: reason })
    .where('hostname', '=', hostname)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
