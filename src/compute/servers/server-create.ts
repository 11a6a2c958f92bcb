import { accessIpColumns } from './server-access-ip.js';
import { checkSomeHostRuns, imageTraits } from '../workloads/image-requirements.js';
import { checkIsolationRequest, withIsolationTraits } from '../workloads/isolation-requirements.js';
import { InputError, isCloudError } from '../../common/errors.js';
import { randomHex, randomToken, uuid } from '../../common/ids.js';
import type { ComputeDeps } from '../compute-deps.js';
import { startAction } from '../instance-actions/instance-action-store.js';
import { replaceTags } from './server-tag-store.js';
import {
  enforceMetadataQuota,
  enforceServerGroupMemberQuota,
  enforceServerQuota,
} from '../quotas/quota-enforcement.js';
import { allocateServerNics } from '../networking/server-ports.js';
import { prepareServerNics, writeNewServerNics } from '../networking/server-nic-write.js';
import { portQuotaCount, resolveNetworks } from '../networking/requested-networks.js';
import { resolveRequestedGroups } from '../networking/server-security-groups.js';
import type { ServerCreateRequest } from './server-schemas.js';
import type { Caller } from './server-inputs.js';
import {
  checkUserData,
  counts,
  hostnameOf,
  resolveFlavor,
  resolveImage,
  resolveKey,
  resolveZone,
} from './server-inputs.js';
import type { EmbeddedFlavor, Server } from './server-model.js';
import { PowerState } from './server-model.js';
import type { ServerRow } from './server-store.js';
import { insertServers, toServer } from './server-store.js';
import type { Tx } from '../../db/db-handle.js';
import { bootPlanOf } from '../block-devices/block-device-request.js';
import { blockDevicesOf } from '../block-devices/legacy-block-devices.js';
import type { BootOptions } from '../block-devices/block-device-checks.js';
import { checkBootPlan } from '../block-devices/block-device-checks.js';
import { blockDeviceRows, insertBlockDevices } from '../block-devices/block-device-store.js';

export interface CreatedServers {
  readonly servers: ReadonlyArray<Server>;
  readonly reservationId: string;
  readonly adminPass: string;
}

/**
 * POST /servers: checks every input before writing anything, then in one transaction
 * checks quota, inserts the servers in BUILD/scheduling and records the action. The
 * scheduling controller takes it from there; the API returns 202 at once.
 */
export async function createServers(
  deps: ComputeDeps,
  caller: Caller,
  requestId: string,
  body: ServerCreateRequest,
  opts: BootOptions = { supportsMultiattach: false },
): Promise<CreatedServers> {
  const req = body.server;
  accessIpColumns(req); // refused as the request schema refuses it: before any lookup
  const flavor = await resolveFlavor(deps, String(req.flavorRef), caller);
  const { min, max: requestedMax } = counts(req.min_count, req.max_count);
  const plan = bootPlanOf(req.imageRef ?? '', blockDevicesOf(req), requestedMax);
  // A volume-backed server has no image root disk: the flavor's disk is not checked (as Nova).
  if (plan.imageId !== '') {
    const image = await resolveImage(deps, plan.imageId, caller, flavor);
    checkIsolationRequest(image, flavor.extraSpecs);
    await checkSomeHostRuns(deps, image, withIsolationTraits(imageTraits(image), image, flavor.extraSpecs));
  } else if (plan.volumes.length === 0)
    throw new InputError('compute.server.image_not_found', 'Image  could not be found.');
  await checkBootPlan(deps, caller, plan, { ...opts, imageRequested: (req.imageRef ?? '') !== '' });
  const keyData = await resolveKey(deps, req.key_name, caller);
  const zone = await resolveZone(deps, req.availability_zone);
  const userData = checkUserData(req.user_data);
  const metadataItems = Object.keys(req.metadata ?? {}).length;
  if (metadataItems > 0)
    await enforceMetadataQuota(deps.store.db, caller.projectId, metadataItems, deps.config);
  const networkUser = { projectId: caller.projectId, isAdmin: caller.isAdmin };
  const nics = await resolveNetworks(deps, networkUser, req.networks, requestedMax);
  const groups = await resolveRequestedGroups(deps, networkUser, req.security_groups);
  const max = await portQuotaCount(deps, caller.projectId, nics, min, requestedMax);
  const groupId = await resolveGroup(
    deps,
    caller,
    (body['os:scheduler_hints'] ?? body['OS-SCH-HNT:scheduler_hints'])?.group,
  );
  // Ports are checked now and written with the servers (when every NIC is a new port).
  const prepared = await prepareServerNics(deps, networkUser, zone, nics, groups);
  const reservationId = `r-${randomHex(6)}`;
  const adminPass = req.adminPass ?? randomToken(9);
  const now = deps.clock().toISOString();
  const base = {
    caller,
    req,
    flavor,
    imageId: plan.imageId,
    task: plan.volumes.length > 0 ? ('block_device_mapping' as const) : ('scheduling' as const),
    keyData,
    zone,
    userData,
    groupId,
    reservationId,
    now,
  };

  const rows = await deps.store.write(async (tx) => {
    const n = await quotaAllowedCount(tx, deps, caller.projectId, flavor, min, max);
    if (groupId !== null) await enforceServerGroupMemberQuota(tx, caller.projectId, groupId, n, deps.config);
    const rows = Array.from({ length: n }, (_, i) => newServerRow(base, n > 1 ? i + 1 : 0));
    await insertServers(tx, rows);
    // 2.52: tags given at create belong to every server the request makes.
    if (req.tags !== undefined) for (const r of rows) await replaceTags(tx, r.id, req.tags);
    await insertBlockDevices(
      tx,
      rows.flatMap((r) => blockDeviceRows(r.id, plan.volumes)),
    );
    if (groupId !== null)
      await tx
        .insertInto('server_group_members')
        .values(rows.map((r) => ({ group_id: groupId, server_id: r.id })))
        .execute();
    await startAction(tx, {
      serverIds: rows.map((r) => r.id),
      requestId,
      action: 'create',
      projectId: caller.projectId,
      userId: caller.userId,
      now,
    });
    if (prepared !== undefined) await writeNewServerNics(deps, tx, rows, prepared, now);
    return rows;
  });
  // Ports before scheduling, so the build's spec carries its NICs (the device seam).
  if (prepared === undefined) await allocateServerNics(deps, networkUser, rows.map(toServer), nics, groups);
  if (plan.volumes.length === 0) deps.signals.scheduling();
  else for (const r of rows) deps.signals.blockDevices(r.id);
  // The rows as committed: reading them back would only cost a query per server.
  return { servers: rows.map(toServer), reservationId, adminPass };
}

/**
 * Nova's multi-create contract: as many servers as quota allows between min_count and
 * max_count; fewer than min_count is the 403 for min_count.
 */
async function quotaAllowedCount(
  tx: Tx,
  deps: ComputeDeps,
  projectId: string,
  f: EmbeddedFlavor,
  min: number,
  max: number,
): Promise<number> {
  const check = (n: number) =>
    enforceServerQuota(tx, projectId, { instances: n, cores: n * f.vcpus, ram: n * f.ram }, deps.config);
  const fits = (n: number) =>
    check(n).then(
      () => true,
      (err: unknown) => {
        if (isCloudError(err) && err.status === 403) return false;
        throw err;
      },
    );
  if (await fits(max)) return max;
  await check(min);
  // Usage only grows with n, so the largest count that fits is found by halving.
  let [lo, hi] = [min, max - 1];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (await fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

async function resolveGroup(
  deps: ComputeDeps,
  caller: Caller,
  groupId: string | undefined,
): Promise<string | null> {
  if (groupId === undefined) return null;
  const g = await deps.store.db
    .selectFrom('server_groups')
    .select(['id', 'project_id'])
    .where('id', '=', groupId)
    .executeTakeFirst();
  if (g === undefined || (g.project_id !== caller.projectId && !caller.isAdmin)) {
    throw new InputError('compute.server.group_not_found', `Instance group ${groupId} could not be found.`);
  }
  return g.id;
}

interface NewServer {
  readonly caller: Caller;
  readonly req: ServerCreateRequest['server'];
  readonly flavor: EmbeddedFlavor;
  readonly imageId: string;
  readonly task: 'scheduling' | 'block_device_mapping';
  readonly keyData: string | null;
  readonly zone: string | null;
  readonly userData: string | null;
  readonly groupId: string | null;
  readonly reservationId: string;
  readonly now: string;
}

function newServerRow(b: NewServer, index: number): ServerRow {
  const name = index > 0 ? `${b.req.name}-${index}` : b.req.name;
  const f = b.flavor;
  return {
    id: uuid(),
    project_id: b.caller.projectId,
    user_id: b.caller.userId,
    name,
    hostname: hostnameOf(name),
    description: b.req.description ?? null,
    flavor: JSON.stringify(f),
    flavor_id: f.id,
    vcpus: f.vcpus,
    memory_mb: f.ram,
    root_gb: f.disk,
    image_id: b.imageId,
    key_name: b.req.key_name ?? null,
    key_data: b.keyData,
    user_data: b.userData,
    metadata: JSON.stringify(b.req.metadata ?? {}),
    tags: '[]',
    networks: JSON.stringify(b.req.networks ?? 'auto'),
    availability_zone: b.zone,
    config_drive:
      b.req.config_drive === true || b.req.config_drive === 'true' || b.req.config_drive === 'True' ? 1 : 0,
    access_ipv4: '',
    access_ipv6: '',
    ...accessIpColumns(b.req),
    reservation_id: b.reservationId,
    launch_index: Math.max(0, index - 1),
    server_group_id: b.groupId,
    vm_state: 'building',
    task_state: b.task,
    power_state: PowerState.NOSTATE,
    desired_power: 'on',
    observed_power: null,
    observed_at: null,
    observed_reason: null,
    generation: 1,
    host: null,
    node: null,
    scheduling: null,
    build_attempts: '[]',
    locked: 0,
    locked_by: null,
    locked_reason: null,
    fault: null,
    new_flavor: null,
    old_flavor: null,
    pending_image_id: null,
    workload_handle: null,
    launched_at: null,
    terminated_at: null,
    created_at: b.now,
    updated_at: b.now,
    deleted_at: null,
  };
}
