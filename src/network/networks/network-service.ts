import { checkRevision } from '../network-revision.js';
import { checkQuota } from '../quotas/quota-service.js';
import { uuid } from '../../common/ids.js';
import { flag, isSet } from '../../db/row-codec.js';
import { uniqueWrite } from '../../db/unique-write.js';
import type { NetworkCaller } from '../network-context.js';
import { enforce, enforceAttributes } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import {
  flatNetworkInUse,
  invalidInput,
  invalidSharedSetting,
  networkInUse,
  networkNotFound,
  tunnelIdInUse,
  vlanIdInUse,
} from '../network-errors.js';
import { parseCreate, parseUpdate, valueOr } from '../network-attributes.js';
import { ownerOf } from '../network-project.js';
import { networkAttributes } from './network-schemas.js';
import { createAll } from '../network-bulk.js';
import { maxMtu, validateSegment } from './network-segment.js';
import type { Db } from '../../db/db-handle.js';
import type { NetworkRow } from './network-store.js';
import * as store from './network-store.js';
import { ensureDefaultGroup } from '../security-groups/security-group-defaults.js';
import { networkTarget } from './network-view.js';
import { grantedActions } from '../rbac/rbac-store.js';
import { blocking } from '../rbac/rbac-in-use.js';
import { addWildcard, removeGrants } from '../rbac/network-rbac-sync.js';
import { deleteFloatingIpRow, disassociatedOn } from '../floatingips/floatingip-store.js';
import { deletePortRow } from '../ports/port-store.js';
import { checkDefaultExternal } from '../auto-allocation/default-external-network.js';

/**
 * The network, or NetworkNotFound when it does not exist or the caller may not see it:
 * Neutron's visibility is the owner, admins, and the projects an RBAC policy (shared or
 * external, for the project or for everyone) names. `shared` reads as the caller sees it.
 */
export async function findNetwork(db: Db, caller: NetworkCaller, id: string): Promise<NetworkRow> {
  const row = await store.getNetworkRow(db, id);
  if (row === undefined) throw networkNotFound(id);
  const grants = await grantedActions(db, caller.projectId, id);
  if (!caller.isAdmin && row.project_id !== caller.projectId && grants.size === 0) throw networkNotFound(id);
  return grants.has('access_as_shared') && !isSet(row.shared) ? { ...row, shared: 1 } : row;
}

export async function createNetwork(
  deps: NetworkDeps,
  caller: NetworkCaller,
  input: Record<string, unknown>,
): Promise<NetworkRow> {
  const body = parseCreate(networkAttributes, input);
  const projectId = ownerOf(caller, body);
  const target = { ...body, project_id: projectId, tenant_id: projectId };
  enforce(caller, 'create_network', target);
  enforceAttributes(caller, 'create_network', Object.keys(body), target);
  const seg = validateSegment({
    networkType: body['provider:network_type'] as string | null | undefined,
    physicalNetwork: body['provider:physical_network'] as string | null | undefined,
    segmentationId: body['provider:segmentation_id'] as number | null | undefined,
  });
  // Neutron makes the project's default security group when it creates a network.
  await ensureDefaultGroup(deps, caller, projectId);
  const limit = maxMtu(seg.type, deps.physnetMtu);
  const mtu = (body['mtu'] as number | null | undefined) ?? limit;
  if (mtu > limit) throw invalidInput(`Requested MTU is too big, maximum is ${limit}`);
  const now = deps.clock().toISOString();
  const write = () =>
    deps.store.write(async (tx) => {
      const row: NetworkRow = {
        id: uuid(),
        project_id: projectId,
        name: valueOr(networkAttributes, body, 'name'),
        description: valueOr(networkAttributes, body, 'description'),
        admin_state_up: flag(valueOr(networkAttributes, body, 'admin_state_up')),
        shared: flag(valueOr(networkAttributes, body, 'shared')),
        external: flag(valueOr(networkAttributes, body, 'router:external')),
        mtu,
        port_security_enabled: flag(valueOr(networkAttributes, body, 'port_security_enabled')),
        network_type: seg.type,
        physical_network: seg.physnet,
        segmentation_id: seg.id === undefined ? await nextSegment(tx, seg.type, seg.physnet) : seg.id,
        availability_zone_hints: JSON.stringify(valueOr(networkAttributes, body, 'availability_zone_hints')),
        is_default: flag(valueOr(networkAttributes, body, 'is_default')),
        dns_domain: valueOr(networkAttributes, body, 'dns_domain'),
        tags: '[]',
        revision_number: 1,
        created_at: now,
        updated_at: now,
      };
      await checkQuota(tx, projectId, 'network');
      if (seg.type === 'flat' && (await store.flatNetworkOn(tx, seg.physnet)))
        throw flatNetworkInUse(seg.physnet);
      if (isSet(row.is_default)) await checkDefaultExternal(tx, row.id);
      await store.insertNetworkRow(tx, row);
      // `shared` and `router:external` are wildcard RBAC policies, as in Neutron.
      if (isSet(row.shared)) await addWildcard(tx, row.id, projectId, 'access_as_shared', now);
      if (isSet(row.external)) await addWildcard(tx, row.id, projectId, 'access_as_external', now);
      return row;
    });
  // An allocated id lost to a concurrent create is retried; a requested one is in use.
  for (let attempt = 0; ; attempt++) {
    try {
      return await uniqueWrite(deps.store.traits, write, () => new SegmentTaken());
    } catch (err) {
      if (!(err instanceof SegmentTaken)) throw err;
      if (seg.id !== undefined || attempt >= 20) throw segmentInUse(seg.type, seg.physnet, seg.id ?? 0);
    }
  }
}

/** Bulk create: every network or none (network-bulk.ts). */
export async function createNetworks(
  deps: NetworkDeps,
  caller: NetworkCaller,
  items: ReadonlyArray<Record<string, unknown>>,
): Promise<NetworkRow[]> {
  return createAll(deps, networkAttributes, items, (inner, item) => createNetwork(inner, caller, item));
}

class SegmentTaken extends Error {}

function segmentInUse(type: string, physnet: string, id: number) {
  return type === 'vlan' ? vlanIdInUse(id, physnet) : tunnelIdInUse(id);
}

async function nextSegment(db: Db, type: string, physnet: string): Promise<number | null> {
  if (type === 'vxlan') return store.nextVni(db);
  if (type !== 'vlan') return null;
  const used = await db
    .selectFrom('networks')
    .select('segmentation_id')
    .where('network_type', '=', 'vlan')
    .where('physical_network', '=', physnet)
    .execute();
  const taken = new Set(used.map((r) => r.segmentation_id));
  for (let v = 1; v <= 4094; v++) if (!taken.has(v)) return v;
  throw invalidInput(`Unable to create the network. No tenant network is available for allocation`);
}

export async function updateNetwork(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  input: Record<string, unknown>,
  ifRevision?: number,
): Promise<NetworkRow> {
  const body = parseUpdate(networkAttributes, input);
  return deps.store.write(async (tx) => {
    await findNetwork(tx, caller, id);
    // The stored flags, not the caller's view of `shared`.
    const row = (await store.getNetworkRow(tx, id))!;
    checkRevision(ifRevision, row.revision_number);
    const target = networkTarget(row);
    enforce(caller, 'update_network', target);
    enforceAttributes(caller, 'update_network', Object.keys(body), target);
    const provider = (['network_type', 'physical_network', 'segmentation_id'] as const).some((k) => {
      const v = body[`provider:${k}`];
      const current = k === 'physical_network' && row[k] === '' ? null : row[k];
      return v !== undefined && v !== current;
    });
    if (provider) throw invalidInput('Plugin does not support updating provider attributes');
    if (body['mtu'] !== undefined && body['mtu'] !== null) {
      const limit = maxMtu(row.network_type, deps.physnetMtu);
      if ((body['mtu'] as number) > limit)
        throw invalidInput(`Requested MTU is too big, maximum is ${limit}`);
    }
    if (body['shared'] === false && isSet(row.shared)) await checkUnshare(tx, row);
    if (body['is_default'] === true && !isSet(row.is_default)) await checkDefaultExternal(tx, row.id);
    const change = {
      ...(body['name'] !== undefined && { name: body['name'] as string }),
      ...(body['description'] !== undefined && { description: body['description'] as string }),
      ...(body['admin_state_up'] !== undefined && {
        admin_state_up: flag(body['admin_state_up'] as boolean),
      }),
      ...(body['shared'] !== undefined && { shared: flag(body['shared'] as boolean) }),
      ...(body['router:external'] !== undefined && { external: flag(body['router:external'] as boolean) }),
      ...(typeof body['mtu'] === 'number' && { mtu: body['mtu'] }),
      ...(body['is_default'] !== undefined && { is_default: flag(body['is_default'] as boolean) }),
      ...(typeof body['dns_domain'] === 'string' && { dns_domain: body['dns_domain'] }),
      ...(body['port_security_enabled'] !== undefined && {
        port_security_enabled: flag(body['port_security_enabled'] as boolean),
      }),
    };
    if (Object.keys(change).length === 0) return row;
    const now = deps.clock().toISOString();
    await store.updateNetworkRow(tx, row, change, now);
    await syncGrants(tx, row, body, now);
    return (await store.getNetworkRow(tx, id))!;
  });
}

/** `shared` and `router:external` changes become wildcard policies (added or removed). */
async function syncGrants(db: Db, row: NetworkRow, body: Record<string, unknown>, now: string) {
  if (body['shared'] === true) await addWildcard(db, row.id, row.project_id, 'access_as_shared', now);
  if (body['shared'] === false) await removeGrants(db, row.id, 'access_as_shared');
  if (body['router:external'] === true)
    await addWildcard(db, row.id, row.project_id, 'access_as_external', now);
  if (body['router:external'] === false) await removeGrants(db, row.id, 'access_as_external');
}

/**
 * A network others have ports on may not stop being shared (InvalidSharedSetting), unless
 * a policy for their project keeps sharing it with them.
 */
async function checkUnshare(db: Db, row: NetworkRow): Promise<void> {
  if ((await blocking(db, row, 'access_as_shared', '*')) !== undefined) throw invalidSharedSetting(row.id);
}

/** Neutron deletes an external network's unassociated floating IPs (and their ports) with it. */
async function deleteDisassociatedFloatingIps(db: Db, networkId: string): Promise<void> {
  for (const fip of await disassociatedOn(db, networkId)) {
    await deleteFloatingIpRow(db, fip.id);
    await deletePortRow(db, fip.floating_port_id);
  }
}

export async function deleteNetwork(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  ifRevision?: number,
): Promise<void> {
  await deps.store.write(async (tx) => {
    const row = await findNetwork(tx, caller, id);
    checkRevision(ifRevision, row.revision_number);
    enforce(caller, 'delete_network', networkTarget(row));
    await deleteDisassociatedFloatingIps(tx, id);
    // Neutron removes the ports it owns itself (DHCP); any other port keeps the network.
    if ((await store.portCount(tx, id, 'network:dhcp')) > 0) throw networkInUse(id);
    await store.deleteNetworkRow(tx, id);
  });
}
