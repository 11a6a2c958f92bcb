import { InputError, NotFoundError } from '../../common/errors.js';
import { hexId } from '../../common/ids.js';
import type { AuthContext } from '../../common/http/auth-context.js';
import { uniqueWrite } from '../../db/unique-write.js';
import * as domainStore from '../domains/domain-store.js';
import type { IdentityDeps } from '../identity-deps.js';
import { duplicate, notFound } from '../identity-errors.js';
import { revokeUserTokens } from '../tokens/revocation-store.js';
import type { User } from '../users/user-store.js';
import { getUser } from '../users/user-store.js';
import type { Group, GroupFilter, MemberFilter } from './group-store.js';
import * as store from './group-store.js';

export interface GroupCreate {
  readonly name: string;
  readonly domain_id?: string;
  readonly description?: string | null;
}

export interface GroupPatch {
  readonly id?: unknown;
  readonly name?: string;
  readonly domain_id?: string;
  readonly description?: string | null;
}

export async function findGroup(deps: IdentityDeps, id: string): Promise<Group> {
  const g = await store.getGroup(deps.store.db, id);
  if (g === undefined) throw notFound('group', id);
  return g;
}

/** Membership calls name a user; a missing one is Keystone's "Could not find user". */
export async function findMemberUser(deps: IdentityDeps, id: string): Promise<User> {
  const u = await getUser(deps.store.db, id);
  if (u === undefined) throw notFound('user', id);
  return u;
}

export function listGroups(deps: IdentityDeps, filter: GroupFilter): Promise<Group[]> {
  return store.listGroups(deps.store.db, filter);
}

/** The domain a new group without `domain_id` belongs to: the caller's scope, else the user's own. */
export function defaultDomain(caller: AuthContext): string {
  return caller.domainId ?? caller.projectDomainId ?? caller.userDomainId;
}

/** Without a domain the group lands in the caller's domain, as Keystone normalizes it. */
export async function createGroup(
  deps: IdentityDeps,
  caller: AuthContext,
  body: GroupCreate,
): Promise<Group> {
  const domainId = body.domain_id ?? defaultDomain(caller);
  if ((await domainStore.getDomain(deps.store.db, domainId)) === undefined)
    throw notFound('domain', domainId);
  const group: Group = { id: hexId(), name: body.name.trim(), domainId, description: body.description ?? '' };
  await uniqueWrite(
    deps.store.traits,
    () => store.insertGroup(deps.store.db, group, deps.clock().toISOString()),
    () => duplicate('group', `Duplicate entry found with name ${group.name} at domain ID ${domainId}`),
  );
  return group;
}

/** Name and description change; the id and the domain are fixed for life. */
export async function updateGroup(deps: IdentityDeps, id: string, patch: GroupPatch): Promise<Group> {
  if (patch.id !== undefined && patch.id !== null && patch.id !== id) {
    throw new InputError('identity.group.id_immutable', 'Cannot change ID');
  }
  const cur = await findGroup(deps, id);
  if (patch.domain_id !== undefined && patch.domain_id !== cur.domainId) {
    throw new InputError('identity.group.domain_immutable', 'Cannot change Domain ID');
  }
  const next: Group = {
    ...cur,
    ...(patch.name !== undefined && { name: patch.name.trim() }),
    ...(patch.description !== undefined && { description: patch.description ?? '' }),
  };
  const where = patch.domain_id !== undefined ? ` at domain ID ${next.domainId}` : '';
  await uniqueWrite(
    deps.store.traits,
    () => store.updateGroup(deps.store.db, next),
    () => duplicate('group', `Duplicate entry found with name ${next.name}${where}`),
  );
  return next;
}

/**
 * Deletes the group, its memberships and its role assignments in one transaction. Members
 * lose the group's roles, so their tokens are revoked when the group held any (Keystone's rule).
 */
export async function deleteGroup(deps: IdentityDeps, id: string): Promise<void> {
  await findGroup(deps, id);
  const now = deps.clock();
  await deps.store.db.transaction().execute(async (tx) => {
    const hadRoles = (await store.countGroupAssignments(tx, id)) > 0;
    const members = hadRoles ? await store.listMemberIds(tx, id) : [];
    await store.deleteGroup(tx, id);
    for (const userId of members) await revokeUserTokens(tx, userId, now, deps.settings.tokenExpirationSec);
  });
}

export async function listUsersInGroup(
  deps: IdentityDeps,
  groupId: string,
  filter: MemberFilter,
): Promise<User[]> {
  await findGroup(deps, groupId);
  return store.listMembers(deps.store.db, groupId, filter);
}

export async function listGroupsForUser(
  deps: IdentityDeps,
  userId: string,
  filter: { name?: string },
): Promise<Group[]> {
  await findMemberUser(deps, userId);
  return store.listGroupsForUser(deps.store.db, userId, filter);
}

/** Idempotent: adding a member twice succeeds both times. */
export async function addUserToGroup(deps: IdentityDeps, groupId: string, userId: string): Promise<void> {
  await findGroup(deps, groupId);
  await findMemberUser(deps, userId);
  await store.addMember(deps.store.db, groupId, userId);
}

/** Resolves when the user is a member; 404 names the group, the user or the membership. */
export async function checkUserInGroup(deps: IdentityDeps, groupId: string, userId: string): Promise<void> {
  await findGroup(deps, groupId);
  await findMemberUser(deps, userId);
  if (!(await store.isMember(deps.store.db, groupId, userId))) throw notMember(groupId, userId);
}

/** Removing a member revokes the user's tokens: they may carry roles from the group. */
export async function removeUserFromGroup(
  deps: IdentityDeps,
  groupId: string,
  userId: string,
): Promise<void> {
  const now = deps.clock();
  const removed = await deps.store.db.transaction().execute(async (tx) => {
    const n = await store.removeMember(tx, groupId, userId);
    if (n > 0) await revokeUserTokens(tx, userId, now, deps.settings.tokenExpirationSec);
    return n;
  });
  if (removed > 0) return;
  // Nothing removed: say which of group, user or membership is missing.
  await findGroup(deps, groupId);
  await findMemberUser(deps, userId);
  throw notMember(groupId, userId);
}

function notMember(groupId: string, userId: string): NotFoundError {
  return new NotFoundError(
    'identity.group.membership_not_found',
    `User '${userId}' not found in group '${groupId}'`,
  );
}
