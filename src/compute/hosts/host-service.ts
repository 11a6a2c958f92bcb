import { strictBoolean } from '../flavors/flavor-service.js';
import { ConflictError, InputError, NotFoundError, NotImplementedError } from '../../common/errors.js';
import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import type { ComputeDeps } from '../compute-deps.js';
import { forgetHost } from '../aggregates/aggregate-store.js';
import type { ComputeHost, HostServer, HostUsage } from './host-store.js';
import * as store from './host-store.js';

/** A host with what Nova's servicegroup API would say about it. */
export interface HostState {
  readonly host: ComputeHost;
  /** Heartbeat within serviceDownTimeSec and not forced down. */
  readonly up: boolean;
  readonly usage: HostUsage;
}

export interface AvailabilityZone {
  readonly name: string;
  readonly available: boolean;
  /** Enabled hosts of an available zone (the detail view lists them). */
  readonly hosts: ReadonlyArray<HostState>;
}

/** The only service binary Strata reports: each agent is Nova's nova-compute. */
export const computeBinary = 'nova-compute';

/** Nova's servicegroup rule: a recent heartbeat and not forced down. */
export function isUp(
  deps: Pick<ComputeDeps, 'clock' | 'serviceDownTimeSec'>,
  host: Pick<ComputeHost, 'forcedDown' | 'lastHeartbeat'>,
): boolean {
  const age = Math.abs(deps.clock().getTime() - Date.parse(host.lastHeartbeat));
  return !host.forcedDown && age <= deps.serviceDownTimeSec * 1000;
}

/** Every host (or the given ones) with its liveness and the usage of its live servers. */
export async function hostStates(
  deps: ComputeDeps,
  hosts?: ReadonlyArray<ComputeHost>,
): Promise<HostState[]> {
  const all = hosts ?? (await store.listHosts(deps.store.db));
  const names = hosts === undefined ? 'all' : hosts.map((h) => h.hostname);
  const usage = await store.hostUsage(deps.store.db, names);
  return all.map((host) => ({
    host,
    up: isUp(deps, host),
    usage: usage.get(host.hostname) ?? store.noUsage,
  }));
}

/**
 * Zones named by hosts. A zone is available when one of its enabled hosts is up; zones
 * whose hosts are all disabled or down are listed after, as not available.
 */
export async function availabilityZones(deps: ComputeDeps): Promise<AvailabilityZone[]> {
  const byZone = new Map<string, HostState[]>();
  // Zones need liveness only, so usage is not read.
  for (const host of await store.listHosts(deps.store.db)) {
    const s: HostState = { host, up: isUp(deps, host), usage: store.noUsage };
    byZone.set(s.host.availabilityZone, [...(byZone.get(s.host.availabilityZone) ?? []), s]);
  }
  const zones = [...byZone.entries()].map(([name, states]) => {
    const enabled = states.filter((s) => s.host.status === 'enabled');
    const available = enabled.some((s) => s.up);
    return { name, available, hosts: available ? enabled : [] };
  });
  const byName = (a: AvailabilityZone, b: AvailabilityZone) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  return [
    ...zones.filter((z) => z.available).sort(byName),
    ...zones.filter((z) => !z.available).sort(byName),
  ];
}

export async function findHypervisor(
  deps: ComputeDeps,
  id: string,
  mv: Microversion | undefined,
): Promise<HostState> {
  const notFound = () =>
    new NotFoundError('compute.hypervisor.not_found', `Hypervisor with ID '${id}' could not be found.`);
  if (atLeast(mv, [2, 53]) && !isUuid(id))
    throw new InputError('compute.hypervisor.bad_id', `Invalid uuid ${id}`);
  // Before 2.53 an id that is not an integer names no hypervisor: 404, as Nova.
  const n = atLeast(mv, [2, 53]) ? undefined : integerId(id);
  if (n === null) throw notFound();
  const host = await (n === undefined
    ? store.getHost(deps.store.db, id)
    : store.getHostByNumber(deps.store.db, n));
  if (host === undefined) throw notFound();
  return (await hostStates(deps, [host]))[0]!;
}

/** oslo's validate_integer: Python's int() of the text, surrounding blanks allowed; null when not one. */
function integerId(id: string): number | null {
  const t = id.trim();
  return /^[+-]?\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : null;
}

const isUuid = (id: string) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(id);

/**
 * GET /os-hypervisors/{id}/uptime (before 2.88). No driver reports a host's uptime, so an
 * up host answers Nova's 501 for a driver without it (clients such as `openstack hypervisor
 * show` expect that); a down one is unavailable (400), as in Nova.
 */
export function hypervisorUptime(s: HostState): never {
  if (!s.up)
    throw new InputError(
      'compute.hypervisor.unavailable',
      `Compute service of ${s.host.hostname} is unavailable at this time.`,
    );
  throw new NotImplementedError(
    'compute.hypervisor.no_uptime',
    'The requested functionality is not supported.',
  );
}

/** Hosts whose name contains `pattern` (case-insensitive, like Nova's SQL LIKE); none is 404. */
export async function searchHypervisors(deps: ComputeDeps, pattern: string): Promise<HostState[]> {
  const wanted = pattern.toLowerCase();
  const hosts = (await store.listHosts(deps.store.db)).filter((h) =>
    h.hostname.toLowerCase().includes(wanted),
  );
  if (hosts.length === 0) {
    throw new NotFoundError(
      'compute.hypervisor.no_match',
      `No hypervisor matching '${pattern}' could be found.`,
    );
  }
  return hostStates(deps, hosts);
}

export function serversOnHost(deps: ComputeDeps, hostname: string): Promise<HostServer[]> {
  return store.serversOnHost(deps.store.db, hostname);
}

export type ServiceAction = 'enable' | 'disable' | 'disable-log-reason';

export interface ServiceUpdate {
  readonly host: string;
  readonly binary: string;
  readonly disabled_reason?: string;
  readonly forced_down?: boolean;
}

/** PUT /os-services/{action} (before 2.53): turns scheduling to a host on or off. */
export async function updateService(
  deps: ComputeDeps,
  action: string,
  body: ServiceUpdate,
): Promise<{ status: 'enabled' | 'disabled'; reason: string | null }> {
  if (action !== 'enable' && action !== 'disable' && action !== 'disable-log-reason') {
    throw new NotFoundError('compute.service.unknown_action', 'Unknown action');
  }
  if (action === 'disable-log-reason' && body.disabled_reason === undefined) {
    throw new InputError('compute.service.no_reason', 'Missing disabled reason field');
  }
  checkBinary(body);
  const status = action === 'enable' ? 'enabled' : 'disabled';
  const reason = action === 'disable-log-reason' ? body.disabled_reason! : null;
  if (!(await store.setHostStatus(deps.store.db, body.host, status, reason))) throw noService(body);
  deps.signals.hostsChanged();
  return { status, reason };
}

/** 2.53's update body (the service is named by its UUID in the path). */
export interface ServiceChange {
  readonly status?: 'enabled' | 'disabled';
  readonly disabled_reason?: string;
  readonly forced_down?: boolean | string;
}

/** PUT /os-services/{service_id} (2.53): enables, disables or forces down one service. */
export async function updateServiceById(deps: ComputeDeps, id: string, b: ServiceChange): Promise<HostState> {
  if (!isUuid(id)) throw new InputError('compute.service.bad_id', `Invalid uuid ${id}`);
  const db = deps.store.db;
  const host = await store.getHost(db, id);
  if (host === undefined)
    throw new NotFoundError('compute.service.not_found', `Service ${id} could not be found.`);
  if (b.status === 'enabled' && b.disabled_reason !== undefined)
    throw new InputError(
      'compute.service.enabled_with_reason',
      "Specifying 'disabled_reason' with status 'enabled' is invalid.",
    );
  if (b.status === undefined && b.forced_down === undefined)
    throw new InputError(
      'compute.service.no_updates',
      "No updates were requested. Fields 'status' or 'forced_down' should be specified.",
    );
  if (b.status !== undefined)
    await store.setHostStatus(
      db,
      host.hostname,
      b.status,
      b.status === 'disabled' ? (b.disabled_reason ?? null) : null,
    );
  if (b.forced_down !== undefined)
    await store.setHostForcedDown(db, host.hostname, strictBoolean(b.forced_down) ?? false);
  deps.signals.hostsChanged();
  return (await hostStates(deps, [(await store.getHost(db, id))!]))[0]!;
}

/**
 * PUT /os-services/force-down (2.11): an operator who knows a host is dead (fenced) says
 * so; it counts as down at once, for the scheduler too, until the mark is cleared.
 */
export async function forceDownService(deps: ComputeDeps, body: ServiceUpdate): Promise<boolean> {
  if (body.forced_down === undefined)
    throw new InputError('compute.service.no_forced_down', "'forced_down' is a required property");
  checkBinary(body);
  if (!(await store.setHostForcedDown(deps.store.db, body.host, body.forced_down))) throw noService(body);
  deps.signals.hostsChanged();
  return body.forced_down;
}

/**
 * DELETE /os-services/{id}: forgets a host that is gone for good, with its resource
 * provider. A host still holding servers is refused, as Nova does. An agent that is still
 * running registers again only when it restarts (Nova's service record works the same way).
 */
export async function deleteService(
  deps: ComputeDeps,
  id: string,
  mv: Microversion | undefined,
): Promise<void> {
  const db = deps.store.db;
  const uuids = atLeast(mv, [2, 53]);
  if (uuids && !isUuid(id)) throw new InputError('compute.service.bad_id', `Invalid uuid ${id}`);
  const n = uuids ? undefined : integerId(id);
  if (n === null)
    throw new InputError('compute.service.bad_id', 'Invalid input received: id must be an integer');
  const row = await db
    .selectFrom('compute_hosts')
    .select(['id', 'hostname', 'provider_id'])
    .where(n === undefined ? 'id' : 'service_number', '=', n ?? id)
    .executeTakeFirst();
  if (row === undefined)
    throw new NotFoundError('compute.service.not_found', `Service ${id} could not be found.`);
  if ((await store.serversOnHost(db, row.hostname)).length > 0)
    throw new ConflictError(
      'compute.service.hosting_instances',
      'Unable to delete compute service that is hosting instances. Migrate or delete the instances first.',
    );
  // The provider goes first: a crash in between leaves a host that places nothing, and a retry finishes.
  await deps.placement.removeProvider(row.provider_id);
  await db.transaction().execute(async (tx) => {
    await forgetHost(tx, row.hostname); // as Nova, a deleted service leaves its aggregates
    await tx.deleteFrom('compute_hosts').where('id', '=', row.id).execute();
  });
  deps.signals.hostsChanged();
}

function checkBinary(body: ServiceUpdate): void {
  if (body.binary !== computeBinary)
    throw new InputError(
      'compute.service.binary',
      `Updating a ${body.binary} service is not supported. Only nova-compute services can be updated.`,
    );
}

const noService = (body: ServiceUpdate) =>
  new NotFoundError(
    'compute.service.not_found',
    `Could not find binary ${body.binary} on host ${body.host}.`,
  );
