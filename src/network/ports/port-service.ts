import { checkRevision } from '../network-revision.js';
import { checkDnsName } from '../dns/dns-names.js';
import { checkQuota } from '../quotas/quota-service.js';
import { uuid } from '../../common/ids.js';
import { flag, isSet, parseJson } from '../../db/row-codec.js';
import { randomMac } from '../ipam/mac-address.js';
import { parseCreate, parseUpdate, valueOr } from '../network-attributes.js';
import type { NetworkCaller } from '../network-context.js';
import { enforce, enforceAttributes } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { ConflictError } from '../../common/errors.js';
import { macAddressInUse, networkNotFound, portNotFound } from '../network-errors.js';
import { changeAddresses } from './port-address-change.js';
import { ownerOf } from '../network-project.js';
import { findNetwork } from '../networks/network-service.js';
import type { Db, Tx } from '../../db/db-handle.js';
import { withSavepoint } from '../../db/savepoint.js';
import type { NetworkRow } from '../networks/network-store.js';
import { getNetworkRow } from '../networks/network-store.js';
import type { SubnetRow } from '../subnets/subnet-store.js';
import { subnetsOfNetwork } from '../subnets/subnet-store.js';
import type { FixedIpRequest } from './port-addresses.js';
import { planAddresses } from './port-addresses.js';
import { portAttributes } from './port-schemas.js';
import type { DhcpOption } from './port-extra-options.js';
import { addressPairsOf, createdDhcpOptions, updatedDhcpOptions } from './port-extra-options.js';
import { disassociateFloatingIps, preventServicePortDeletion } from '../routers/router-ports.js';
import type { PortRow } from './port-store.js';
import * as store from './port-store.js';
import { newPortSecurity, updatedPortGroups } from '../security-groups/port-security-groups.js';
import { bindPort } from '../security-groups/security-group-store.js';

/** A port is seen by its project, by the owner of its network, and by admins. */
export async function findPort(db: Db, caller: NetworkCaller, id: string): Promise<PortRow> {
  const row = await store.getPortRow(db, id);
  if (row === undefined) throw portNotFound(id);
  if (caller.isAdmin || row.project_id === caller.projectId) return row;
  const net = await getNetworkRow(db, row.network_id);
  if (net?.project_id !== caller.projectId) throw portNotFound(id);
  return row;
}

export async function portTarget(db: Db, row: PortRow): Promise<Record<string, unknown>> {
  const net = await getNetworkRow(db, row.network_id);
  return {
    project_id: row.project_id,
    tenant_id: row.project_id,
    device_owner: row.device_owner,
    'network:project_id': net?.project_id,
    'network:tenant_id': net?.project_id,
    shared: net !== undefined && isSet(net.shared),
  };
}

/** The attribute names policy rules are written for: fixed_ips splits by what was asked. */
function policyAttrs(body: Record<string, unknown>): string[] {
  const attrs = Object.keys(body).filter((k) => k !== 'fixed_ips');
  const fixed = body['fixed_ips'] as FixedIpRequest[] | undefined;
  if (fixed?.some((f) => f.ip_address !== undefined)) attrs.push('fixed_ips:ip_address');
  if (fixed?.some((f) => f.subnet_id !== undefined)) attrs.push('fixed_ips:subnet_id');
  return attrs;
}

/** Attempts at a create whose address or MAC a concurrent create took first. */
const maxAttempts = 50;

/** A port just written, with its addresses and what was read on the way, so callers render it without reading it back. */
export interface CreatedPort {
  readonly row: PortRow;
  readonly allocations: ReadonlyArray<store.AllocationRow>;
  readonly network: NetworkRow;
  readonly subnets: ReadonlyArray<SubnetRow>;
}

/** A port create checked and resolved before any write; `insertPreparedPort` writes it. */
export interface PreparedPort {
  readonly projectId: string;
  /** The create body with its port security and groups resolved. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly network: NetworkRow;
}

/**
 * Everything of a port create that needs no write of its own: input, visibility, policy and
 * security groups (this may make the project's default group, in a write of its own).
 * `visible` is the network as the caller's own listing just read it (its visibility checked).
 */
export async function preparePort(
  deps: NetworkDeps,
  caller: NetworkCaller,
  input: Record<string, unknown>,
  visible?: NetworkRow,
): Promise<PreparedPort> {
  const body = parseCreate(portAttributes, input);
  checkDnsName(body, deps.dnsDomain);
  const projectId = ownerOf(caller, body);
  const networkId = body['network_id'] as string;
  const net = visible?.id === networkId ? visible : await findNetwork(deps.store.db, caller, networkId);
  const target = {
    project_id: projectId,
    tenant_id: projectId,
    device_owner: valueOr(portAttributes, body, 'device_owner'),
    'network:project_id': net.project_id,
    'network:tenant_id': net.project_id,
    shared: isSet(net.shared),
  };
  enforce(caller, 'create_port', target);
  enforceAttributes(caller, 'create_port', policyAttrs(body), target);
  const security = await newPortSecurity(deps, caller, {
    projectId,
    deviceOwner: valueOr(portAttributes, body, 'device_owner'),
    portSecurityEnabled: body['port_security_enabled'] as boolean | undefined,
    securityGroups: body['security_groups'] as string[] | undefined,
    networkPortSecurity: isSet(net.port_security_enabled),
  });
  const resolved = {
    ...body,
    port_security_enabled: security.portSecurityEnabled,
    security_groups: security.securityGroups,
  };
  return { projectId, body: resolved, network: net };
}

export async function createPort(
  deps: NetworkDeps,
  caller: NetworkCaller,
  input: Record<string, unknown>,
): Promise<CreatedPort> {
  const p = await preparePort(deps, caller, input);
  const id = uuid();
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.store.write((tx) => insertNewPort(deps, tx, id, p.projectId, p.body));
    } catch (err) {
      // The network went away between the check and the insert.
      if (deps.store.traits.isForeignKeyViolation(err)) throw networkNotFound(p.network.id);
      if (!deps.store.traits.isUniqueViolation(err) || attempt >= maxAttempts) throw err;
    }
  }
}

/**
 * Writes a prepared port inside the caller's transaction (compute's server create, so a
 * server and its ports commit together), with the attributes only known there. An address
 * or MAC a concurrent create took first is retried within a savepoint, as `createPort` does.
 */
export async function insertPreparedPort(
  deps: NetworkDeps,
  tx: Tx,
  p: PreparedPort,
  attrs: { readonly device_id: string; readonly dns_name?: string },
): Promise<CreatedPort> {
  checkDnsName(attrs, deps.dnsDomain);
  const body = { ...p.body, ...attrs };
  const id = uuid();
  for (let attempt = 1; ; attempt++) {
    try {
      return await withSavepoint(tx, 'port', () =>
        insertNewPort(deps, tx, id, p.projectId, body, { network: p.network }),
      );
    } catch (err) {
      if (deps.store.traits.isForeignKeyViolation(err)) throw networkNotFound(p.network.id);
      if (!deps.store.traits.isUniqueViolation(err) || attempt >= maxAttempts) throw err;
    }
  }
}

/** Inserts a port inside the caller's transaction (also the router's and floating IP's own ports). */
export async function insertPort(
  deps: NetworkDeps,
  tx: Db,
  id: string,
  projectId: string,
  body: Record<string, unknown>,
  opts: { readonly quota?: boolean } = {},
): Promise<PortRow> {
  return (await insertNewPort(deps, tx, id, projectId, body, opts)).row;
}

async function insertNewPort(
  deps: NetworkDeps,
  tx: Db,
  id: string,
  projectId: string,
  body: Record<string, unknown>,
  opts: { readonly quota?: boolean; readonly network?: NetworkRow } = {},
): Promise<CreatedPort> {
  const networkId = body['network_id'] as string;
  // A network read before this write may be passed in: the foreign key still refuses one gone since.
  const net = opts.network ?? (await getNetworkRow(tx, networkId));
  if (net === undefined) throw networkNotFound(networkId);
  const requestedMac = body['mac_address'] as string | undefined;
  if (requestedMac !== undefined && (await store.macTaken(tx, networkId, requestedMac)))
    throw macAddressInUse(networkId, requestedMac);
  const mac = requestedMac ?? randomMac();
  const owner = valueOr<string>(portAttributes, body, 'device_owner');
  const subnets = await subnetsOfNetwork(tx, networkId);
  const planned = await planAddresses(
    tx,
    networkId,
    subnets,
    body['fixed_ips'] as FixedIpRequest[] | undefined,
    owner,
    mac,
  );
  const now = deps.clock().toISOString();
  const host = valueOr<string>(portAttributes, body, 'binding:host_id');
  // Ports made inside other resources' writes (router gateways and interfaces, floating IPs)
  // name no groups: Neutron gives `network:*` ports none.
  const groups = (body['security_groups'] as string[] | undefined) ?? [];
  const row: PortRow = {
    id,
    network_id: networkId,
    project_id: projectId,
    name: valueOr(portAttributes, body, 'name'),
    description: valueOr(portAttributes, body, 'description'),
    mac_address: mac,
    admin_state_up: flag(valueOr(portAttributes, body, 'admin_state_up')),
    status: 'DOWN',
    device_id: valueOr(portAttributes, body, 'device_id'),
    device_owner: owner,
    binding_host_id: host,
    binding_vnic_type: valueOr(portAttributes, body, 'binding:vnic_type'),
    binding_vif_type: vifType(host),
    binding_vif_details: '{}',
    binding_profile: JSON.stringify(valueOr(portAttributes, body, 'binding:profile')),
    port_security_enabled: flag(
      (body['port_security_enabled'] as boolean | undefined) ?? isSet(net.port_security_enabled),
    ),
    allowed_address_pairs: JSON.stringify(
      addressPairsOf(valueOr(portAttributes, body, 'allowed_address_pairs'), mac),
    ),
    extra_dhcp_opts: JSON.stringify(createdDhcpOptions(valueOr(portAttributes, body, 'extra_dhcp_opts'))),
    security_groups: JSON.stringify(groups),
    dns_name: valueOr(portAttributes, body, 'dns_name'),
    tags: '[]',
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
  // Ports Neutron makes for itself (floating IPs, gateways) belong to no project and count for none.
  // A port the service makes for itself (DHCP) is counted but never refused, as in Neutron's RPC.
  if (projectId !== '' && opts.quota !== false) await checkQuota(tx, projectId, 'port');
  const allocations = planned.map((p) => ({
    subnet_id: p.subnetId,
    ip_address: p.ip,
    port_id: id,
    network_id: networkId,
  }));
  await store.insertPort(tx, row, allocations);
  await bindPort(tx, id, groups, { newPort: true });
  return { row, allocations, network: net, subnets };
}

/** No mechanism driver binds ports yet: a port with a host is bound to the Linux bridge dataplane. */
function vifType(host: string): string {
  return host === '' ? 'unbound' : 'bridge';
}

export async function updatePort(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  input: Record<string, unknown>,
  ifRevision?: number,
) {
  const body = parseUpdate(portAttributes, input);
  checkDnsName(body, deps.dnsDomain);
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.store.write((tx) => applyPortUpdate(deps, tx, caller, id, body, ifRevision));
    } catch (err) {
      if (!deps.store.traits.isUniqueViolation(err) || attempt >= maxAttempts) throw err;
    }
  }
}

async function applyPortUpdate(
  deps: NetworkDeps,
  tx: Db,
  caller: NetworkCaller,
  id: string,
  body: Record<string, unknown>,
  ifRevision: number | undefined,
): Promise<PortRow> {
  const row = await findPort(tx, caller, id);
  checkRevision(ifRevision, row.revision_number);
  const target = await portTarget(tx, row);
  enforce(caller, 'update_port', target);
  enforceAttributes(caller, 'update_port', policyAttrs(body), { ...target, ...body });
  const mac = body['mac_address'] as string | undefined;
  if (mac !== undefined && mac !== row.mac_address) await checkMacChange(tx, row, mac);
  const groups = await updatedPortGroups(tx, caller, row, body);
  if (groups !== undefined) await bindPort(tx, row.id, groups);
  if (body['fixed_ips'] !== undefined)
    await changeFixedIps(tx, row, body['fixed_ips'] as FixedIpRequest[], mac);
  const json = (k: string) => (body[k] === undefined ? undefined : JSON.stringify(body[k]));
  const bool = (k: string) => (body[k] === undefined ? undefined : flag(body[k] as boolean));
  const host = body['binding:host_id'] as string | undefined;
  const change = Object.fromEntries(
    Object.entries({
      name: body['name'],
      description: body['description'],
      admin_state_up: bool('admin_state_up'),
      mac_address: mac,
      device_id: body['device_id'],
      device_owner: body['device_owner'],
      binding_host_id: host,
      binding_vif_type: host === undefined ? undefined : vifType(host),
      binding_vnic_type: body['binding:vnic_type'],
      binding_profile: json('binding:profile'),
      port_security_enabled: bool('port_security_enabled'),
      allowed_address_pairs: pairsChange(body, mac ?? row.mac_address),
      extra_dhcp_opts: dhcpOptionsChange(row, body),
      security_groups: groups === undefined ? undefined : JSON.stringify(groups),
      dns_name: body['dns_name'],
    }).filter(([, v]) => v !== undefined),
  );
  if (Object.keys(change).length === 0 && body['fixed_ips'] === undefined) return row;
  await store.updatePortRow(tx, row, change, deps.clock().toISOString());
  return (await store.getPortRow(tx, id))!;
}

type Requested = ReadonlyArray<Record<string, unknown>>;

function pairsChange(body: Record<string, unknown>, mac: string): string | undefined {
  const pairs = body['allowed_address_pairs'] as Requested | undefined;
  return pairs === undefined ? undefined : JSON.stringify(addressPairsOf(pairs, mac));
}

function dhcpOptionsChange(row: PortRow, body: Record<string, unknown>): string | undefined {
  const updates = body['extra_dhcp_opts'] as Requested | undefined;
  if (updates === undefined || updates.length === 0) return undefined;
  return JSON.stringify(updatedDhcpOptions(parseJson<DhcpOption[]>(row.extra_dhcp_opts, []), updates));
}

/** A bound port keeps its MAC (PortBound); a MAC in use on the network is refused. */
async function checkMacChange(tx: Db, row: PortRow, mac: string): Promise<void> {
  if (row.binding_host_id !== '')
    throw new ConflictError(
      'network.port.bound',
      `Unable to complete operation on port ${row.id}, port is already bound, port type: ${row.binding_vif_type}, old_mac ${row.mac_address}, new_mac ${mac}.`,
    );
  if (await store.macTaken(tx, row.network_id, mac)) throw macAddressInUse(row.network_id, mac);
}

async function changeFixedIps(tx: Db, row: PortRow, wanted: FixedIpRequest[], mac: string | undefined) {
  const current = (await store.allocationsOf(tx, [row])).get(row.id) ?? [];
  const subnets = await subnetsOfNetwork(tx, row.network_id);
  const change = await changeAddresses(
    tx,
    row.network_id,
    subnets,
    current,
    wanted,
    row.device_owner,
    mac ?? row.mac_address,
  );
  await store.replaceAllocations(
    tx,
    change.remove,
    change.add.map((p) => ({
      subnet_id: p.subnetId,
      ip_address: p.ip,
      port_id: row.id,
      network_id: row.network_id,
    })),
  );
}

export async function deletePort(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  ifRevision?: number,
): Promise<void> {
  await deps.store.write(async (tx) => {
    const row = await findPort(tx, caller, id);
    checkRevision(ifRevision, row.revision_number);
    enforce(caller, 'delete_port', await portTarget(tx, row));
    await preventServicePortDeletion(tx, row);
    await disassociateFloatingIps(tx, id, deps.clock().toISOString());
    await store.deletePortRow(tx, id);
  });
}
