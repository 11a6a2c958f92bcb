import { uuid } from '../../common/ids.js';
import type { Db } from '../../db/db-handle.js';
import { isSet } from '../../db/row-codec.js';
import { parseIp } from '../ipam/ip-address.js';
import { parseCreate, parseUpdate } from '../network-attributes.js';
import type { NetworkCaller } from '../network-context.js';
import { enforce, enforceAttributes } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { ownerOf } from '../network-project.js';
import { checkRevision } from '../network-revision.js';
import { findNetwork } from '../networks/network-service.js';
import type { FixedIpRequest } from '../ports/port-addresses.js';
import { insertPort } from '../ports/port-service.js';
import { allocationsOf, deletePortRow } from '../ports/port-store.js';
import { checkQuota } from '../quotas/quota-service.js';
import {
  badFloatingIpRequest,
  externalIpAddressExhausted,
  floatingIpNotFound,
} from '../routers/router-errors.js';
import { floatingIpOwner } from '../routers/router-ports.js';
import { retryOnUnique } from '../routers/router-write.js';
import { subnetsOfNetwork } from '../subnets/subnet-store.js';
import { associationFor } from './floatingip-association.js';
import { floatingIpAttributes } from './floatingip-schemas.js';
import type { FloatingIpRow } from './floatingip-store.js';
import * as store from './floatingip-store.js';

/** A floating IP is seen by its project and by admins. */
export async function findFloatingIp(db: Db, caller: NetworkCaller, id: string): Promise<FloatingIpRow> {
  const row = await store.getFloatingIpRow(db, id);
  if (row === undefined || (!caller.isAdmin && row.project_id !== caller.projectId))
    throw floatingIpNotFound(id);
  return row;
}

export const floatingIpTarget = (row: Pick<FloatingIpRow, 'project_id'>) => ({
  project_id: row.project_id,
  tenant_id: row.project_id,
});

export async function createFloatingIp(
  deps: NetworkDeps,
  caller: NetworkCaller,
  input: Record<string, unknown>,
) {
  const body = parseCreate(floatingIpAttributes, input);
  const projectId = ownerOf(caller, body);
  const target = { ...floatingIpTarget({ project_id: projectId }), ...body };
  enforce(caller, 'create_floatingip', target);
  enforceAttributes(caller, 'create_floatingip', Object.keys(body), target);
  const id = uuid();
  return retryOnUnique(deps, async (tx) => {
    const netId = body['floating_network_id'] as string;
    const net = await findNetwork(tx, caller, netId);
    if (!isSet(net.external)) throw badFloatingIpRequest(`Network ${netId} is not a valid external network`);
    if (!(await subnetsOfNetwork(tx, netId)).some((s) => s.ip_version === 4))
      throw badFloatingIpRequest(`Network ${netId} does not contain any IPv4 subnet`);
    await checkQuota(tx, projectId, 'floatingip');
    const port = await insertPort(deps, tx, uuid(), '', {
      network_id: netId,
      device_id: id,
      device_owner: floatingIpOwner,
      ...fixedIpsOf(body),
    });
    const ips = (await allocationsOf(tx, [port])).get(port.id) ?? [];
    const v4 = ips.find((a) => parseIp(a.ip_address)?.version === 4);
    if (v4 === undefined) throw externalIpAddressExhausted(netId);
    const now = deps.clock().toISOString();
    const identity = {
      id,
      project_id: projectId,
      floating_network_id: netId,
      floating_ip_address: v4.ip_address,
    };
    const assoc = await associationFor(
      tx,
      caller,
      identity,
      (body['port_id'] as string | null | undefined) ?? null,
      (body['fixed_ip_address'] as string | null | undefined) ?? null,
    );
    const row: FloatingIpRow = {
      ...identity,
      description: (body['description'] as string | undefined) ?? '',
      dns_name: (body['dns_name'] as string | undefined) ?? '',
      dns_domain: (body['dns_domain'] as string | undefined) ?? '',
      floating_port_id: port.id,
      ...assoc,
      tags: '[]',
      revision_number: 1,
      created_at: now,
      updated_at: now,
    };
    await store.insertFloatingIpRow(tx, row);
    return row;
  });
}

/** The floating port's fixed_ips: the subnet and address asked for, else IPAM's choice. */
function fixedIpsOf(body: Record<string, unknown>): { fixed_ips?: FixedIpRequest[] } {
  const subnet = body['subnet_id'] as string | null | undefined;
  const address = body['floating_ip_address'] as string | null | undefined;
  if ((subnet ?? null) === null && (address ?? null) === null) return {};
  return {
    fixed_ips: [
      {
        ...(subnet !== null && subnet !== undefined && { subnet_id: subnet }),
        ...(address !== null && address !== undefined && { ip_address: address }),
      },
    ],
  };
}

export async function updateFloatingIp(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  input: Record<string, unknown>,
  ifRevision?: number,
) {
  const body = parseUpdate(floatingIpAttributes, input);
  // A concurrent association of the same fixed IP loses on the unique key; the retry answers 409.
  return retryOnUnique(deps, async (tx) => {
    const row = await findFloatingIp(tx, caller, id);
    checkRevision(ifRevision, row.revision_number);
    const target = { ...floatingIpTarget(row), ...body };
    enforce(caller, 'update_floatingip', target);
    enforceAttributes(caller, 'update_floatingip', Object.keys(body), target);
    // Without port_id the association stays, re-checked as Neutron re-checks it; an empty
    // body disassociates (the floating IP's first API had nothing else to update).
    const blank = Object.keys(body).length === 0;
    const portId = 'port_id' in body ? (body['port_id'] as string | null) : blank ? null : row.fixed_port_id;
    const fixedIp = (body['fixed_ip_address'] as string | null | undefined) ?? null;
    const assoc =
      blank || 'port_id' in body || 'fixed_ip_address' in body
        ? await associationFor(tx, caller, row, portId, fixedIp)
        : {};
    const change = {
      ...assoc,
      ...(body['description'] !== undefined && { description: body['description'] as string }),
    };
    if (Object.keys(change).length === 0) return row;
    await store.updateFloatingIpRow(tx, row, change, deps.clock().toISOString());
    return (await store.getFloatingIpRow(tx, id))!;
  });
}

export async function deleteFloatingIp(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  ifRevision?: number,
) {
  await deps.store.write(async (tx) => {
    const row = await findFloatingIp(tx, caller, id);
    checkRevision(ifRevision, row.revision_number);
    enforce(caller, 'delete_floatingip', floatingIpTarget(row));
    await store.deleteFloatingIpRow(tx, id);
    await deletePortRow(tx, row.floating_port_id);
  });
}
