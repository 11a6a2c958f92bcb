import { InputError, NotFoundError } from '../../common/errors.js';
import { uuid } from '../../common/ids.js';
import type { ComputeDeps } from '../compute-deps.js';
import { enforceServerGroupQuota } from '../quotas/quota-enforcement.js';
import type { ServerGroupPolicy } from './server-group-schemas.js';
import type { GroupPage, ServerGroup } from './server-group-store.js';
import * as store from './server-group-store.js';

/** A group with its live members, ready for the view. */
export interface ServerGroupWithMembers {
  readonly group: ServerGroup;
  readonly members: ReadonlyArray<string>;
}

export interface GroupCreator {
  readonly userId: string;
  readonly projectId?: string;
}

const notFound = (id: string) =>
  new NotFoundError('compute.server_group.not_found', `Instance group ${id} could not be found.`);

export async function findGroup(deps: ComputeDeps, id: string): Promise<ServerGroup> {
  const g = await store.getGroup(deps.store.db, id);
  if (g === undefined) throw notFound(id);
  return g;
}

async function withMembers(
  deps: ComputeDeps,
  groups: ReadonlyArray<ServerGroup>,
): Promise<ServerGroupWithMembers[]> {
  const members = await store.groupMembers(
    deps.store.db,
    groups.map((g) => g.id),
  );
  return groups.map((group) => ({ group, members: members.get(group.id) ?? [] }));
}

export async function showGroup(deps: ComputeDeps, id: string): Promise<ServerGroupWithMembers> {
  return (await withMembers(deps, [await findGroup(deps, id)]))[0]!;
}

/** `projectId` undefined lists all projects (admin with all_projects). */
export async function listGroups(
  deps: ComputeDeps,
  projectId: string | undefined,
  page: GroupPage,
): Promise<ServerGroupWithMembers[]> {
  return withMembers(deps, await store.listGroups(deps.store.db, projectId, page));
}

/** Creates a group in the caller's project; the quota check and insert share a transaction. */
export async function createGroup(
  deps: ComputeDeps,
  creator: GroupCreator,
  body: { readonly name: string; readonly policies: ReadonlyArray<ServerGroupPolicy> },
): Promise<ServerGroupWithMembers> {
  const projectId = creator.projectId;
  if (projectId === undefined) {
    throw new InputError('compute.server_group.no_project', 'Server groups need a project-scoped token.');
  }
  const group: ServerGroup = {
    id: uuid(),
    name: body.name,
    policy: body.policies[0]!,
    rules: {},
    projectId,
    userId: creator.userId,
    createdAt: deps.clock().toISOString(),
  };
  await deps.store.db.transaction().execute(async (tx) => {
    await enforceServerGroupQuota(tx, projectId, deps.config);
    await store.insertGroup(tx, group);
  });
  return { group, members: [] };
}

export async function deleteGroup(deps: ComputeDeps, id: string): Promise<void> {
  const deleted = await deps.store.db.transaction().execute((tx) => store.deleteGroup(tx, id));
  if (!deleted) throw notFound(id);
}
