import type { Db } from '../../db/db-handle.js';
import type { NetworkCaller } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { badRequest, policyNotAuthorized } from '../network-errors.js';
import { autoAllocationFailure, defaultExternalNetwork } from './default-external-network.js';
import { buildTopology, cleanupTopology } from './auto-allocation-build.js';

export interface TopologyView {
  readonly id: string;
  readonly tenant_id: string;
}

/** Neutron's `_validate`: 'None' means the caller's project; another project is for admins. */
function projectOf(caller: NetworkCaller, requested: string): string {
  const projectId = requested === 'None' ? caller.projectId : requested;
  if (projectId === undefined || (!caller.isAdmin && projectId !== caller.projectId))
    throw policyNotAuthorized('rule:get_auto_allocated_topology');
  return projectId;
}

async function topologyOf(db: Db, projectId: string) {
  return db
    .selectFrom('auto_allocated_topologies')
    .selectAll()
    .where('project_id', '=', projectId)
    .executeTakeFirst();
}

/**
 * GET /v2.0/auto-allocated-topology/{project_id}: the project's topology, built on first
 * use (network, subnet, router to the default external network). `fields=dry-run` only
 * checks that a build could run. Two first requests at once build twice and keep one.
 */
export async function getAutoAllocatedTopology(
  deps: NetworkDeps,
  caller: NetworkCaller,
  requested: string,
  fields: ReadonlyArray<string>,
): Promise<TopologyView> {
  const projectId = projectOf(caller, requested);
  if (fields.includes('dry-run')) {
    if ((await defaultExternalNetwork(deps.store.db)) === undefined)
      throw autoAllocationFailure('No default router:external network');
    return { id: 'dry-run=pass', tenant_id: projectId };
  }
  if (fields.length > 0) throw badRequest('auto_allocate', 'Unrecognized field');
  const existing = await topologyOf(deps.store.db, projectId);
  if (existing !== undefined) return { id: existing.network_id, tenant_id: projectId };
  const external = await defaultExternalNetwork(deps.store.db);
  if (external === undefined) throw autoAllocationFailure('No default router:external network');
  const built = await buildTopology(deps, projectId, external);
  const saved = await saveTopology(deps, projectId, built);
  if (saved) return { id: built.networkId, tenant_id: projectId };
  // Another request saved first: its topology stands and this one goes.
  await cleanupTopology(deps, built);
  const winner = await topologyOf(deps.store.db, projectId);
  if (winner === undefined) throw autoAllocationFailure('Unable to provide tenant private network');
  return { id: winner.network_id, tenant_id: projectId };
}

/** Records the topology; false when the project already has one (the primary key decides). */
async function saveTopology(
  deps: NetworkDeps,
  projectId: string,
  built: { readonly networkId: string; readonly routerId: string },
): Promise<boolean> {
  try {
    await deps.store.write(async (tx) => {
      await tx
        .insertInto('auto_allocated_topologies')
        .values({
          project_id: projectId,
          network_id: built.networkId,
          router_id: built.routerId,
          created_at: deps.clock().toISOString(),
        })
        .execute();
      await tx.updateTable('networks').set({ admin_state_up: 1 }).where('id', '=', built.networkId).execute();
    });
    return true;
  } catch (err) {
    if (deps.store.traits.isUniqueViolation(err)) return false;
    throw err;
  }
}

/** DELETE: removes the project's topology (router, its interfaces, network); none is fine. */
export async function deleteAutoAllocatedTopology(
  deps: NetworkDeps,
  caller: NetworkCaller,
  requested: string,
): Promise<void> {
  const projectId = projectOf(caller, requested);
  const row = await topologyOf(deps.store.db, projectId);
  if (row === undefined) return;
  const subnets = await deps.store.db
    .selectFrom('subnets')
    .select('id')
    .where('network_id', '=', row.network_id)
    .execute();
  await cleanupTopology(deps, {
    networkId: row.network_id,
    routerId: row.router_id ?? undefined,
    subnetIds: subnets.map((s) => s.id),
  });
  await deps.store.write((tx) =>
    tx.deleteFrom('auto_allocated_topologies').where('project_id', '=', projectId).execute(),
  );
}
