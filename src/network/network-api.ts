import type { Selectable } from 'kysely';
import { isSet, parseJson } from '../db/row-codec.js';
import type { SubnetTable } from '../db/tables/network-tables.js';
import { isCloudError } from '../common/errors.js';
import type { HostNetworkView } from './host-state/host-network-view.js';
import { hostNetworkView } from './host-state/host-network-view.js';
import { placeRouters } from './routers/router-placement.js';
import type { RouterHostCandidate } from '../scheduler/router-host-selector.js';
import { dhcpHostOf, syncDhcpPorts } from './host-state/dhcp-ports.js';
import type { NetworkChanges } from './network-changes.js';
import type { NetworkCaller } from './network-context.js';
import type { NetworkDeps } from './network-deps.js';
import type { NetworkRow } from './networks/network-store.js';
import { getNetworkRow, listNetworkRows } from './networks/network-store.js';
import { limitAndUsageOf } from './quotas/quota-store.js';
import type { CreatedPort, PreparedPort } from './ports/port-service.js';
import {
  createPort,
  deletePort,
  findPort,
  insertPreparedPort,
  preparePort,
  updatePort,
} from './ports/port-service.js';
import type { Tx } from '../db/db-handle.js';
import type { AllocationRow, PortRow } from './ports/port-store.js';
import { allocationsOf, getPortRow, updatePortRow } from './ports/port-store.js';
import { ensureDefaultGroup } from './security-groups/security-group-defaults.js';
import { addFixedIpOnNetwork, removeFixedIpFromDevice } from './ports/port-fixed-ip-change.js';
import { getAutoAllocatedTopology } from './auto-allocation/auto-allocation-service.js';
import { fixedKey, floatingIpsOfPorts } from './floatingips/floatingip-lookup.js';
import type { SecurityGroupInfo } from './security-groups/security-group-lookup.js';
import {
  findSecurityGroupId,
  securityGroupsByIds,
  securityGroupsOfProject,
} from './security-groups/security-group-lookup.js';

/** Who asks, as compute knows it: the user's project (Nova calls Neutron with the user's token). */
export interface NetworkUser {
  readonly projectId: string;
  readonly isAdmin: boolean;
}

export interface NetworkInfo {
  readonly id: string;
  readonly name: string;
  readonly projectId: string;
  readonly mtu: number;
  readonly shared: boolean;
  readonly external: boolean;
  readonly subnetCount: number;
  /** The row as this user sees it (`shared` as granted): a port made on it is not read again. */
  readonly row: NetworkRow;
}

export interface PortInfo {
  readonly id: string;
  readonly networkId: string;
  readonly networkName: string;
  readonly mtu: number;
  readonly projectId: string;
  readonly macAddress: string;
  readonly status: string;
  readonly deviceId: string;
  readonly deviceOwner: string;
  readonly hostId: string;
  readonly fixedIps: ReadonlyArray<PortFixedIp>;
  /** Security group ids (`securityGroups()` names them). */
  readonly securityGroups: ReadonlyArray<string>;
  readonly portSecurityEnabled: boolean;
}

/** An address of a port, with what a guest needs of its subnet. */
export interface PortFixedIp {
  readonly subnetId: string;
  readonly ipAddress: string;
  readonly ipVersion: number;
  readonly cidr: string;
  readonly gateway: string | null;
  readonly dhcp: boolean;
  readonly dnsNameservers: ReadonlyArray<string>;
  readonly hostRoutes: ReadonlyArray<{ readonly destination: string; readonly nexthop: string }>;
  /** Floating addresses associated with this one (Nova shows them as `floating`). */
  readonly floatingIps?: ReadonlyArray<string>;
}

/** The host compute chose for some devices' ports (and their device_owner, when given). */
export interface HostBinding {
  readonly deviceIds: ReadonlyArray<string>;
  readonly host: string;
  readonly deviceOwner?: string;
}

/**
 * A port compute makes, less what only its server's write knows (see `preparePort`); with
 * the network as `availableNetworks` gave it to the same user, its visibility is not checked twice.
 */
export type PortTemplate = Omit<NewPort, 'deviceId' | 'dnsName'> & { readonly network?: NetworkInfo };

export interface NewPort {
  readonly networkId: string;
  readonly fixedIp?: string;
  readonly deviceId: string;
  readonly deviceOwner: string;
  /** The instance's hostname, as Nova sets `dns_name` on the ports it makes. */
  readonly dnsName?: string;
  /** Group ids (Nova passes the requested groups); the project's default when absent. */
  readonly securityGroups?: ReadonlyArray<string>;
  /** Adds the project's `default` group to `securityGroups` (Nova's name, resolved here as Neutron does). */
  readonly withDefaultGroup?: boolean;
}

/**
 * What compute calls on the network service, in-process: the same requests a remote Nova
 * makes to Neutron (show network/port, create/update/delete port, list ports by device).
 * Errors are Neutron's (CloudError codes under `network.`); compute words them as Nova does.
 */
export interface NetworkApi {
  /** The networks the user may boot on: `ids` if given, else its own non-external and shared ones (Nova's auto). */
  availableNetworks(user: NetworkUser, ids?: ReadonlyArray<string>): Promise<NetworkInfo[]>;
  /** The external networks the user sees, in creation order (Nova's get_floating_ip_pools). */
  externalNetworks(user: NetworkUser): Promise<NetworkInfo[]>;
  /** The port as the user sees it, undefined when missing or not visible. */
  showPort(user: NetworkUser, id: string): Promise<PortInfo | undefined>;
  createPort(user: NetworkUser, p: NewPort): Promise<PortInfo>;
  /**
   * Checks a port create as `createPort` does, before the caller's write (it may make the
   * project's default group); `insertPreparedPort` then writes it inside that write, so a
   * server and its ports commit together.
   */
  preparePort(user: NetworkUser, p: PortTemplate): Promise<PreparedPort>;
  insertPreparedPort(tx: Tx, p: PreparedPort, deviceId: string, dnsName?: string): Promise<PortInfo>;
  /** Binds a port to a device (admin update, as Nova's port update). */
  bindPort(id: string, deviceId: string, deviceOwner: string, dnsName?: string): Promise<PortInfo>;
  /** Clears device_id, device_owner and binding:host_id; no-op for a port gone or on another device. */
  unbindPort(id: string, deviceId: string): Promise<void>;
  /** Deletes a port; no-op when it is gone already. */
  deletePort(id: string): Promise<void>;
  /** Sets binding:host_id (and device_owner, when given) of the devices' ports: the host compute chose. */
  bindHost(deviceIds: ReadonlyArray<string>, host: string, deviceOwner?: string): Promise<void>;
  /** Several `bindHost`s in one write (a scheduling pass places servers on many hosts). */
  bindHosts(bindings: ReadonlyArray<HostBinding>): Promise<void>;
  /** The ports of these devices with their addresses, in creation order. */
  portsOfDevices(deviceIds: ReadonlyArray<string>): Promise<PortInfo[]>;
  /** The device_id of the port holding `ip` on the network, undefined when the address is free. */
  addressHolder(networkId: string, ip: string): Promise<string | undefined>;
  /** How many more ports the project may create (Nova's validate_networks). */
  portHeadroom(projectId: string): Promise<number>;
  /**
   * The dataplane plugged (ACTIVE) or unplugged (DOWN) the port on `host`: false while the
   * port is bound elsewhere; true for a port this service does not have (nothing to wait for).
   */
  setPortStatus(id: string, host: string, status: 'ACTIVE' | 'DOWN', vifType: string): Promise<boolean>;
  /** The groups with these ids the user may see, with rules (GET /v2.0/security-groups?id=...). */
  securityGroups(user: NetworkUser, ids: ReadonlyArray<string>): Promise<SecurityGroupInfo[]>;
  /** The project's groups, every group when undefined (Nova's os-security-groups index). */
  projectSecurityGroups(projectId: string | undefined): Promise<SecurityGroupInfo[]>;
  /** A group id by name or id as neutronclient finds it; undefined when none (409 when ambiguous). */
  findSecurityGroup(user: NetworkUser, nameOrId: string): Promise<string | undefined>;
  /** Replaces the port's groups (PUT /v2.0/ports/{id} with security_groups). */
  setPortSecurityGroups(user: NetworkUser, portId: string, ids: ReadonlyArray<string>): Promise<void>;
  /** One more address for the device on the network (Nova's addFixedIp); undefined when none could be had. */
  addFixedIp(deviceId: string, networkId: string): Promise<string | undefined>;
  /** Drops an address from the device's ports (Nova's removeFixedIp); false when no port holds it. */
  removeFixedIp(deviceId: string, address: string): Promise<boolean>;
  /**
   * GET /v2.0/auto-allocated-topology/{project}: the project's auto-allocated network, built
   * on first use; with `dryRun`, only checks that it could be (throws AutoAllocationFailure).
   */
  autoAllocatedNetwork(user: NetworkUser, dryRun: boolean): Promise<string>;
  /** The instance ports bound to the host, their networks and remote groups (the L2 agent's RPCs). */
  hostNetworkState(host: string): Promise<HostNetworkView>;
  /** Puts routers on hosts that can run them (see placeRouters); how many moved (a move wakes the hosts). */
  placeRouters(hosts: ReadonlyArray<RouterHostCandidate>): Promise<number>;
  /** Makes and removes the DHCP ports of the networks `host` carries (it serves DHCP); true on a change. */
  syncDhcpPorts(host: string): Promise<boolean>;
  /** The host the network's DHCP port is bound to, if it has one. */
  dhcpHostOf(networkId: string): Promise<string | undefined>;
  /** Calls back whenever something a dataplane programs may have changed; returns an unsubscribe. */
  watchChanges(onChange: () => void): () => void;
}

/**
 * Nova's candidates when no network is named: the project's own and shared ones. Unlike
 * Nova, an own external network that is not shared is left out: it carries router gateways
 * and floating IPs (Nova refuses it to non-admins anyway), and the admin project owns
 * both `public` and `private` on a `strata up` cloud, where a server should land on `private`.
 */
function autoCandidate(row: NetworkRow, projectId: string): boolean {
  return isSet(row.shared) || (row.project_id === projectId && !isSet(row.external));
}

/** The networks the user sees (by `ids`, or all), in creation order, `shared` as the user sees it. */
async function visibleNetworks(deps: NetworkDeps, user: NetworkUser, ids?: ReadonlyArray<string>) {
  const rows = await listNetworkRows(
    deps.store.db,
    user.projectId,
    user.isAdmin,
    ids === undefined ? [] : [{ column: 'id', values: [...ids] }],
  );
  return rows.sort((a, b) =>
    a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1,
  );
}

const service: NetworkCaller = { projectId: undefined, isAdmin: true, can: () => true };

/** The user's visibility; policy was the compute API's to check (Nova's service calls). */
function callerFor(user: NetworkUser): NetworkCaller {
  return { projectId: user.projectId, isAdmin: user.isAdmin, can: () => true };
}

export function networkApi(deps: NetworkDeps, changes?: NetworkChanges): NetworkApi {
  return withChangeNotices(networkCalls(deps), changes);
}

/** Port writes compute makes (create, bind to a host, status, groups) wake the hosts too. */
function withChangeNotices(api: NetworkApi, changes: NetworkChanges | undefined): NetworkApi {
  const changed = <T>(p: Promise<T>): Promise<T> => p.finally(() => changes?.changed());
  return {
    ...api,
    createPort: (user, p) => changed(api.createPort(user, p)),
    // Told before the caller commits: an unbound port is on no host's dataplane yet.
    insertPreparedPort: (tx, p, deviceId, dnsName) =>
      changed(api.insertPreparedPort(tx, p, deviceId, dnsName)),
    bindPort: (id, deviceId, owner, dnsName) => changed(api.bindPort(id, deviceId, owner, dnsName)),
    unbindPort: (id, deviceId) => changed(api.unbindPort(id, deviceId)),
    deletePort: (id) => changed(api.deletePort(id)),
    bindHost: (deviceIds, host, owner) => changed(api.bindHost(deviceIds, host, owner)),
    bindHosts: (bindings) => changed(api.bindHosts(bindings)),
    setPortStatus: (id, host, status, vifType) => changed(api.setPortStatus(id, host, status, vifType)),
    setPortSecurityGroups: (user, portId, ids) => changed(api.setPortSecurityGroups(user, portId, ids)),
    addFixedIp: (deviceId, networkId) => changed(api.addFixedIp(deviceId, networkId)),
    removeFixedIp: (deviceId, address) => changed(api.removeFixedIp(deviceId, address)),
    autoAllocatedNetwork: (user, dryRun) => changed(api.autoAllocatedNetwork(user, dryRun)),
    syncDhcpPorts: async (host) => {
      const changed = await api.syncDhcpPorts(host);
      if (changed) changes?.changed();
      return changed;
    },
    watchChanges: (onChange) => changes?.watch(onChange) ?? (() => undefined),
    placeRouters: async (hosts) => {
      const moved = await api.placeRouters(hosts);
      if (moved > 0) changes?.changed();
      return moved;
    },
  };
}

function networkCalls(deps: NetworkDeps): NetworkApi {
  const db = () => deps.store.db;
  const info = async (rows: PortRow[]): Promise<PortInfo[]> => {
    const ips = await allocationsOf(db(), rows);
    const nets = new Map<string, NetworkRow | undefined>();
    for (const r of rows)
      if (!nets.has(r.network_id)) nets.set(r.network_id, await getNetworkRow(db(), r.network_id));
    const subnets = await subnetsByIds(
      deps,
      [...ips.values()].flat().map((a) => a.subnet_id),
    );
    const floats = await floatingIpsOfPorts(
      db(),
      rows.map((r) => r.id),
    );
    return rows.map((r) => portInfo(r, nets.get(r.network_id), ips.get(r.id) ?? [], subnets, floats));
  };
  const one = async (r: PortRow) => (await info([r]))[0]!;
  const withSubnetCounts = async (rows: NetworkRow[]) => {
    const counts = await subnetCounts(
      deps,
      rows.map((r) => r.id),
    );
    return rows.map((r) => networkInfo(r, counts.get(r.id) ?? 0));
  };
  return {
    async externalNetworks(user) {
      return withSubnetCounts((await visibleNetworks(deps, user)).filter((r) => isSet(r.external)));
    },
    async availableNetworks(user, ids) {
      if (ids !== undefined && ids.length === 0) return [];
      const visible = await visibleNetworks(
        deps,
        { ...user, isAdmin: user.isAdmin && ids !== undefined },
        ids,
      );
      return withSubnetCounts(
        ids !== undefined ? visible : visible.filter((r) => autoCandidate(r, user.projectId)),
      );
    },
    async showPort(user, id) {
      try {
        return await one(await findPort(db(), callerFor(user), id));
      } catch (err) {
        if (isCloudError(err) && err.status === 404) return undefined;
        throw err;
      }
    },
    async createPort(user, p) {
      const body = {
        ...(await portBody(deps, user, p)),
        device_id: p.deviceId,
        ...(p.dnsName !== undefined && { dns_name: p.dnsName }),
      };
      return createdInfo(await createPort(deps, callerFor(user), body));
    },
    preparePort: async (user, p) =>
      preparePort(deps, callerFor(user), await portBody(deps, user, p), p.network?.row),
    async insertPreparedPort(tx, p, deviceId, dnsName) {
      const attrs = { device_id: deviceId, ...(dnsName !== undefined && { dns_name: dnsName }) };
      return createdInfo(await insertPreparedPort(deps, tx, p, attrs));
    },
    async bindPort(id, deviceId, deviceOwner, dnsName) {
      const dns = dnsName === undefined ? {} : { dns_name: dnsName };
      return one(
        await updatePort(deps, service, id, { device_id: deviceId, device_owner: deviceOwner, ...dns }),
      );
    },
    async unbindPort(id, deviceId) {
      const row = await getPortRow(db(), id);
      if (row === undefined || row.device_id !== deviceId) return;
      // Nova clears the name it gave the port, as it unbinds it.
      const unbound = { device_id: '', device_owner: '', 'binding:host_id': '', dns_name: '' };
      await updatePort(deps, service, id, unbound);
      await setStatus(deps, id, 'DOWN');
    },
    async deletePort(id) {
      await deletePort(deps, service, id).catch((err: unknown) => {
        if (!(isCloudError(err) && err.status === 404)) throw err;
      });
    },
    bindHost: (deviceIds, host, deviceOwner) =>
      bindHosts(deps, [{ deviceIds, host, ...(deviceOwner !== undefined && { deviceOwner }) }]),
    bindHosts: (bindings) => bindHosts(deps, bindings),
    async portsOfDevices(deviceIds) {
      if (deviceIds.length === 0) return [];
      const rows = await db()
        .selectFrom('ports')
        .selectAll()
        .where('device_id', 'in', [...deviceIds])
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return info(rows);
    },
    async addressHolder(networkId, ip) {
      const r = await db()
        .selectFrom('network_ip_allocations')
        .innerJoin('ports', 'ports.id', 'network_ip_allocations.port_id')
        .select('ports.device_id')
        .where('network_ip_allocations.network_id', '=', networkId)
        .where('network_ip_allocations.ip_address', '=', ip)
        .executeTakeFirst();
      return r?.device_id;
    },
    async portHeadroom(projectId) {
      const { limit, used } = await limitAndUsageOf(db(), projectId, 'port');
      return limit < 0 ? Number.POSITIVE_INFINITY : Math.max(0, limit - used);
    },
    async setPortStatus(id, host, status, vifType) {
      const row = await getPortRow(db(), id);
      // A port the network service does not have: no event to wait for.
      if (row === undefined) return true;
      if (row.binding_host_id !== host) return false;
      if (row.status === status && row.binding_vif_type === vifType) return true;
      await deps.store.write((tx) =>
        updatePortRow(tx, row, { status, binding_vif_type: vifType }, deps.clock().toISOString()),
      );
      return true;
    },
    securityGroups: (user, ids) => securityGroupsByIds(db(), user, ids),
    projectSecurityGroups: (projectId) => securityGroupsOfProject(db(), projectId),
    findSecurityGroup: (user, nameOrId) => findSecurityGroupId(db(), user, nameOrId),
    async setPortSecurityGroups(user, portId, ids) {
      await updatePort(deps, callerFor(user), portId, { security_groups: [...ids] });
    },
    addFixedIp: (deviceId, networkId) => addFixedIpOnNetwork(deps, deviceId, networkId),
    removeFixedIp: (deviceId, address) => removeFixedIpFromDevice(deps, deviceId, address),
    async autoAllocatedNetwork(user, dryRun) {
      const t = await getAutoAllocatedTopology(
        deps,
        callerFor(user),
        user.projectId,
        dryRun ? ['dry-run'] : [],
      );
      return t.id;
    },
    hostNetworkState: (host) => hostNetworkView(db(), host, deps.dnsDomain),
    placeRouters: async (hosts) => (await placeRouters(db(), hosts)).size,
    syncDhcpPorts: (host) => syncDhcpPorts(deps, host),
    dhcpHostOf: (networkId) => dhcpHostOf(db(), networkId),
    watchChanges: () => () => undefined,
  };
}

async function bindHosts(deps: NetworkDeps, bindings: ReadonlyArray<HostBinding>): Promise<void> {
  const todo = bindings.filter((b) => b.deviceIds.length > 0);
  if (todo.length === 0) return;
  const now = deps.clock().toISOString();
  await deps.store.write(async (tx) => {
    for (const b of todo)
      await tx
        .updateTable('ports')
        .set((eb) => ({
          binding_host_id: b.host,
          binding_vif_type: 'bridge',
          ...(b.deviceOwner !== undefined && { device_owner: b.deviceOwner }),
          revision_number: eb('revision_number', '+', 1),
          updated_at: now,
        }))
        .where('device_id', 'in', [...b.deviceIds])
        .execute();
  });
}

/** The create body of a port compute makes (Nova's port create request). */
async function portBody(deps: NetworkDeps, user: NetworkUser, p: PortTemplate) {
  return {
    network_id: p.networkId,
    device_owner: p.deviceOwner,
    ...(p.fixedIp !== undefined && { fixed_ips: [{ ip_address: p.fixedIp }] }),
    ...(p.securityGroups !== undefined && { security_groups: await portGroups(deps, user, p) }),
    ...(user.isAdmin && { project_id: user.projectId }),
  };
}

/** Rendered from what the create wrote: a new port has no floating IPs yet. */
function createdInfo(c: CreatedPort): PortInfo {
  const subnets = new Map(c.subnets.map((r) => [r.id, r]));
  return portInfo(c.row, c.network, c.allocations, subnets, new Map());
}

/** The asked-for groups, with the project's default group (made on first use) when Nova named it. */
async function portGroups(deps: NetworkDeps, user: NetworkUser, p: PortTemplate): Promise<string[]> {
  const ids = [...(p.securityGroups ?? [])];
  if (p.withDefaultGroup !== true) return ids;
  const fallback = await ensureDefaultGroup(deps, callerFor(user), user.projectId);
  return fallback === undefined ? ids : [...ids, fallback];
}

async function setStatus(deps: NetworkDeps, id: string, status: string): Promise<void> {
  const row = await getPortRow(deps.store.db, id);
  if (row !== undefined && row.status !== status)
    await updatePortRow(deps.store.db, row, { status }, deps.clock().toISOString());
}

async function subnetCounts(deps: NetworkDeps, ids: ReadonlyArray<string>): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await deps.store.db
    .selectFrom('subnets')
    .select(['network_id', (eb) => eb.fn.countAll().as('n')])
    .where('network_id', 'in', [...ids])
    .groupBy('network_id')
    .execute();
  return new Map(rows.map((r) => [r.network_id, Number(r.n)]));
}

function networkInfo(r: NetworkRow, subnetCount: number): NetworkInfo {
  return {
    id: r.id,
    name: r.name,
    projectId: r.project_id,
    mtu: r.mtu,
    shared: isSet(r.shared),
    external: isSet(r.external),
    subnetCount,
    row: r,
  };
}

type SubnetRow = Selectable<SubnetTable>;

async function subnetsByIds(deps: NetworkDeps, ids: ReadonlyArray<string>): Promise<Map<string, SubnetRow>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await deps.store.db.selectFrom('subnets').selectAll().where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

function fixedIp(a: AllocationRow, s: SubnetRow | undefined): PortFixedIp {
  return {
    subnetId: a.subnet_id,
    ipAddress: a.ip_address,
    ipVersion: s?.ip_version ?? (a.ip_address.includes(':') ? 6 : 4),
    cidr: s?.cidr ?? '',
    gateway: s?.gateway_ip ?? null,
    dhcp: s !== undefined && isSet(s.enable_dhcp),
    dnsNameservers: parseJson<string[]>(s?.dns_nameservers ?? '[]', []),
    hostRoutes: parseJson<{ destination: string; nexthop: string }[]>(s?.host_routes ?? '[]', []),
  };
}

function portInfo(
  r: PortRow,
  net: NetworkRow | undefined,
  ips: ReadonlyArray<AllocationRow>,
  subnets: ReadonlyMap<string, SubnetRow>,
  floats: ReadonlyMap<string, ReadonlyArray<string>>,
): PortInfo {
  return {
    id: r.id,
    networkId: r.network_id,
    networkName: net?.name ?? '',
    mtu: net?.mtu ?? 1500,
    projectId: r.project_id,
    macAddress: r.mac_address,
    status: r.status,
    deviceId: r.device_id,
    deviceOwner: r.device_owner,
    hostId: r.binding_host_id,
    fixedIps: ips.map((a) => ({
      ...fixedIp(a, subnets.get(a.subnet_id)),
      floatingIps: floats.get(fixedKey(r.id, a.ip_address)) ?? [],
    })),
    securityGroups: parseJson<string[]>(r.security_groups, []),
    portSecurityEnabled: isSet(r.port_security_enabled),
  };
}
