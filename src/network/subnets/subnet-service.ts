import { bumpParentRevision, checkRevision } from '../network-revision.js';
import { checkQuota } from '../quotas/quota-service.js';
import { uuid } from '../../common/ids.js';
import { flag, isSet, parseJson } from '../../db/row-codec.js';
import { overlaps, parseNetwork } from '../ipam/ip-address.js';
import { parseCreate, parseUpdate, valueOr } from '../network-attributes.js';
import type { NetworkCaller } from '../network-context.js';
import { enforce } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { invalidInput, networkNotFound, subnetInUse, subnetNotFound } from '../network-errors.js';
import { ownerOf } from '../network-project.js';
import { findNetwork } from '../networks/network-service.js';
import type { Db } from '../../db/db-handle.js';
import { getNetworkRow, lockNetwork } from '../networks/network-store.js';
import { isAutoAddress, slaacAddress } from '../ports/port-addresses.js';
import { subnetAttributes } from './subnet-schemas.js';
import { createAll } from '../network-bulk.js';
import { releaseDhcpAddresses } from '../host-state/dhcp-ports.js';
import { grantedActions } from '../rbac/rbac-store.js';
import type { SubnetRow } from './subnet-store.js';
import * as store from './subnet-store.js';
import type { SubnetRequest } from './subnet-validation.js';
import { layoutSubnet } from './subnet-validation.js';
import { cidrFrom, cidrSourceOf } from './subnet-cidr-source.js';
import { checkNetworkPools } from '../subnetpools/subnetpool-allocation.js';

/** A subnet is seen by its owner and by whoever its network is shared with (also by RBAC). */
export async function findSubnet(db: Db, caller: NetworkCaller, id: string): Promise<SubnetRow> {
  const row = await store.getSubnetRow(db, id);
  if (row === undefined) throw subnetNotFound(id);
  if (caller.isAdmin || row.project_id === caller.projectId) return row;
  if (!(await sharedWith(db, row.network_id, caller.projectId))) throw subnetNotFound(id);
  return row;
}

/** Whether the network is shared with the project, for everyone or by a policy naming it. */
async function sharedWith(db: Db, networkId: string, projectId: string | undefined): Promise<boolean> {
  const net = await getNetworkRow(db, networkId);
  if (net === undefined) return false;
  return isSet(net.shared) || (await grantedActions(db, projectId, networkId)).has('access_as_shared');
}

/** The policy target; `shared` as `projectId` (the caller) sees the network. */
export async function subnetTarget(
  db: Db,
  row: SubnetRow,
  projectId?: string,
): Promise<Record<string, unknown>> {
  const net = await getNetworkRow(db, row.network_id);
  return {
    project_id: row.project_id,
    tenant_id: row.project_id,
    'network:project_id': net?.project_id,
    'network:tenant_id': net?.project_id,
    shared: await sharedWith(db, row.network_id, projectId),
  };
}

export async function createSubnet(deps: NetworkDeps, caller: NetworkCaller, input: Record<string, unknown>) {
  const body = parseCreate(subnetAttributes, input);
  const source = await cidrSourceOf(deps.store.db, caller, body);
  const projectId = ownerOf(caller, body);
  const req: Omit<SubnetRequest, 'cidr'> = {
    ipVersion: body['ip_version'] as 4 | 6,
    gatewayIp: body['gateway_ip'] as string | null | undefined,
    allocationPools: body['allocation_pools'] as SubnetRequest['allocationPools'],
    dnsNameservers: (body['dns_nameservers'] as string[] | undefined) ?? [],
    hostRoutes: (body['host_routes'] as SubnetRequest['hostRoutes'] | undefined) ?? [],
    enableDhcp: valueOr(subnetAttributes, body, 'enable_dhcp'),
    ipv6RaMode: (body['ipv6_ra_mode'] as string | null | undefined) ?? null,
    ipv6AddressMode: (body['ipv6_address_mode'] as string | null | undefined) ?? null,
  };
  const id = uuid();
  const networkId = body['network_id'] as string;
  // A network deleted between the check and the insert answers as not found.
  const onMissingNetwork = (err: unknown) => {
    throw deps.store.traits.isForeignKeyViolation(err) ? networkNotFound(networkId) : err;
  };
  return deps.store
    .write(async (tx) => {
      const net = await findNetwork(tx, caller, body['network_id'] as string);
      enforce(caller, 'create_subnet', {
        project_id: projectId,
        tenant_id: projectId,
        'network:project_id': net.project_id,
        'network:tenant_id': net.project_id,
      });
      await lockNetwork(tx, net.id, deps.store.traits.name);
      const { cidr, pool } = await cidrFrom(tx, caller, deps.store.traits.name, source, {
        projectId,
        ipVersion: req.ipVersion,
        gatewayIp: req.gatewayIp,
      });
      await checkNetworkPools(tx, net.id, req.ipVersion, pool);
      const layout = layoutSubnet({ ...req, cidr }, id);
      for (const other of await store.subnetsOfNetwork(tx, net.id)) {
        if (overlaps(parseNetwork(other.cidr), layout.network))
          throw invalidInput(
            `Requested subnet with cidr: ${layout.cidr} for network: ${net.id} overlaps with another subnet`,
          );
      }
      const now = deps.clock().toISOString();
      const row: SubnetRow = {
        id,
        network_id: net.id,
        project_id: projectId,
        name: valueOr(subnetAttributes, body, 'name'),
        description: valueOr(subnetAttributes, body, 'description'),
        ip_version: req.ipVersion,
        cidr: layout.cidr,
        gateway_ip: layout.gatewayIp,
        enable_dhcp: flag(req.enableDhcp),
        ipv6_ra_mode: req.ipv6RaMode,
        ipv6_address_mode: req.ipv6AddressMode,
        allocation_pools: JSON.stringify(layout.allocationPools),
        dns_nameservers: JSON.stringify(layout.dnsNameservers),
        host_routes: JSON.stringify(layout.hostRoutes),
        service_types: JSON.stringify(valueOr(subnetAttributes, body, 'service_types')),
        subnetpool_id: pool?.id ?? null,
        tags: '[]',
        revision_number: 1,
        created_at: now,
        updated_at: now,
      };
      await checkQuota(tx, projectId, 'subnet');
      await store.insertSubnetRow(tx, row);
      await bumpParentRevision(tx, 'networks', net.id, now);
      // The DHCP port's address goes with its subnet too (the port is made anew without it).
      await releaseDhcpAddresses(tx, id);
      if (isAutoAddress(row)) await addAutoAddresses(tx, row);
      return row;
    })
    .catch(onMissingNetwork);
}

/** Bulk create: every subnet or none (network-bulk.ts). */
export async function createSubnets(
  deps: NetworkDeps,
  caller: NetworkCaller,
  items: ReadonlyArray<Record<string, unknown>>,
): Promise<SubnetRow[]> {
  return createAll(deps, subnetAttributes, items, (inner, item) => createSubnet(inner, caller, item));
}

export async function updateSubnet(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  input: Record<string, unknown>,
  ifRevision?: number,
) {
  const body = parseUpdate(subnetAttributes, input);
  return deps.store.write(async (tx) => {
    const row = await findSubnet(tx, caller, id);
    checkRevision(ifRevision, row.revision_number);
    enforce(caller, 'update_subnet', await subnetTarget(tx, row));
    const pools = body['allocation_pools'] as SubnetRequest['allocationPools'];
    const layout = layoutSubnet(
      {
        ipVersion: row.ip_version as 4 | 6,
        cidr: row.cidr,
        gatewayIp: 'gateway_ip' in body ? (body['gateway_ip'] as string | null) : row.gateway_ip,
        allocationPools: pools ?? parseJson(row.allocation_pools, []),
        dnsNameservers:
          (body['dns_nameservers'] as string[] | undefined) ?? parseJson(row.dns_nameservers, []),
        hostRoutes:
          (body['host_routes'] as SubnetRequest['hostRoutes'] | undefined) ?? parseJson(row.host_routes, []),
        enableDhcp: (body['enable_dhcp'] as boolean | undefined) ?? isSet(row.enable_dhcp),
        ipv6RaMode: row.ipv6_ra_mode,
        ipv6AddressMode: row.ipv6_address_mode,
      },
      id,
    );
    const change = {
      ...(body['name'] !== undefined && { name: body['name'] as string }),
      ...(body['description'] !== undefined && { description: body['description'] as string }),
      ...(body['enable_dhcp'] !== undefined && { enable_dhcp: flag(body['enable_dhcp'] as boolean) }),
      ...(body['service_types'] !== undefined && { service_types: JSON.stringify(body['service_types']) }),
      gateway_ip: layout.gatewayIp,
      allocation_pools: JSON.stringify(layout.allocationPools),
      dns_nameservers: JSON.stringify(layout.dnsNameservers),
      host_routes: JSON.stringify(layout.hostRoutes),
    };
    await store.updateSubnetRow(tx, row, change, deps.clock().toISOString());
    return (await store.getSubnetRow(tx, id))!;
  });
}

export async function deleteSubnet(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  ifRevision?: number,
): Promise<void> {
  await deps.store.write(async (tx) => {
    const row = await findSubnet(tx, caller, id);
    checkRevision(ifRevision, row.revision_number);
    enforce(caller, 'delete_subnet', await subnetTarget(tx, row));
    // Auto-addressed (SLAAC) addresses go with their subnet; any other address keeps it.
    if (isAutoAddress(row))
      await tx.deleteFrom('network_ip_allocations').where('subnet_id', '=', id).execute();
    else if ((await store.allocationCount(tx, id)) > 0) throw subnetInUse(id);
    await store.deleteSubnetRow(tx, id);
    await bumpParentRevision(tx, 'networks', row.network_id, deps.clock().toISOString());
  });
}

/** A new SLAAC subnet gives every port already on the network its EUI-64 address, as Neutron does. */
async function addAutoAddresses(tx: Db, subnet: SubnetRow): Promise<void> {
  const ports = await tx
    .selectFrom('ports')
    .select(['id', 'mac_address', 'device_owner'])
    .where('network_id', '=', subnet.network_id)
    .execute();
  const rows = ports
    .filter((p) => !p.device_owner.startsWith('network:router'))
    .map((p) => ({
      subnet_id: subnet.id,
      ip_address: slaacAddress(subnet, p.mac_address),
      port_id: p.id,
      network_id: subnet.network_id,
    }));
  if (rows.length > 0) await tx.insertInto('network_ip_allocations').values(rows).execute();
}
