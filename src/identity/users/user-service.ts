import { InputError, UnauthorizedError } from '../../common/errors.js';
import { hexId } from '../../common/ids.js';
import type { AuthContext } from '../../common/http/auth-context.js';
import { uniqueWrite } from '../../db/unique-write.js';
import * as domainStore from '../domains/domain-store.js';
import type { IdentityDeps } from '../identity-deps.js';
import { authFailed, duplicate, notFound } from '../identity-errors.js';
import { extrasOf } from '../identity-extras.js';
import { revokeUserTokens } from '../tokens/revocation-store.js';
import type { User } from './user-store.js';
import * as store from './user-store.js';

const known = ['name', 'domain_id', 'default_project_id', 'description', 'enabled', 'password', 'options'];

export async function findUser(deps: IdentityDeps, id: string): Promise<User> {
  const u = await store.getUser(deps.store.db, id);
  if (u === undefined) throw notFound('user', id);
  return u;
}

export async function createUser(
  deps: IdentityDeps,
  caller: AuthContext,
  body: Record<string, unknown> & { name: string },
): Promise<User> {
  const domainId =
    (typeof body['domain_id'] === 'string' ? body['domain_id'] : undefined) ?? callerDomain(caller);
  // Keystone looks the domain up first, so a missing one is a 404 (DomainNotFound).
  if ((await domainStore.getDomain(deps.store.db, domainId)) === undefined)
    throw notFound('domain', domainId);
  const password = typeof body['password'] === 'string' ? body['password'] : null;
  const user: User = {
    id: hexId(),
    name: body.name,
    domainId,
    enabled: body['enabled'] !== false,
    passwordHash: password === null ? null : await deps.hasher.hash(password),
    defaultProjectId: typeof body['default_project_id'] === 'string' ? body['default_project_id'] : null,
    description: typeof body['description'] === 'string' ? body['description'] : '',
    extra: extrasOf(body, known),
    options: (body['options'] as Record<string, unknown> | undefined) ?? {},
  };
  await uniqueWrite(
    deps.store.traits,
    () => store.insertUser(deps.store.db, user, deps.clock().toISOString()),
    () => duplicate('user', `Duplicate entry found with name ${user.name} at domain ID ${domainId}`),
  );
  return user;
}

/** Admin update. A new password or disabling the user revokes the user's tokens. */
export async function updateUser(
  deps: IdentityDeps,
  id: string,
  patch: Record<string, unknown>,
): Promise<User> {
  const cur = await findUser(deps, id);
  if (typeof patch['domain_id'] === 'string' && patch['domain_id'] !== cur.domainId) {
    throw new InputError('identity.user.domain_immutable', 'Update of `domain_id` is not allowed.');
  }
  const password = typeof patch['password'] === 'string' ? patch['password'] : undefined;
  const next: User = {
    ...cur,
    ...(typeof patch['name'] === 'string' && { name: patch['name'] }),
    ...(typeof patch['enabled'] === 'boolean' && { enabled: patch['enabled'] }),
    ...(patch['description'] !== undefined && {
      description: typeof patch['description'] === 'string' ? patch['description'] : '',
    }),
    ...(patch['default_project_id'] !== undefined && {
      defaultProjectId: (patch['default_project_id'] as string | null) ?? null,
    }),
    ...(password !== undefined && { passwordHash: await deps.hasher.hash(password) }),
    ...(patch['options'] !== undefined && {
      options: { ...cur.options, ...(patch['options'] as Record<string, unknown>) },
    }),
    extra: { ...cur.extra, ...extrasOf(patch, known) },
  };
  const now = deps.clock();
  await deps.store.db.transaction().execute(async (tx) => {
    await uniqueWrite(
      deps.store.traits,
      () => store.updateUser(tx, next, password !== undefined ? now.toISOString() : undefined),
      () => duplicate('user', `Duplicate entry found with name ${next.name} at domain ID ${next.domainId}`),
    );
    if (password !== undefined || (cur.enabled && !next.enabled)) {
      await revokeUserTokens(tx, id, now, deps.settings.tokenExpirationSec);
    }
    // Enabling a user through the API is how an admin lifts a lockout, as in Keystone.
    if (patch['enabled'] === true) await store.resetFailedAuth(tx, id);
  });
  return next;
}

/**
 * Self-service change, authenticated by the original password as Keystone's
 * change_password is: an unknown user or a wrong password is the plain 401, a disabled
 * user (right password) the 401 naming the account.
 */
export async function changePassword(
  deps: IdentityDeps,
  id: string,
  original: string,
  password: string,
): Promise<void> {
  const cur = await store.getUser(deps.store.db, id);
  // Hash even for unknown users so timing does not reveal which ids exist.
  const ok = await deps.hasher.verify(original, cur?.passwordHash ?? undefined);
  if (cur === undefined || cur.passwordHash === null || !ok) throw authFailed();
  if (!cur.enabled)
    throw new UnauthorizedError('identity.user.disabled', `The account is disabled for user: ${id}.`);
  const now = deps.clock();
  const next: User = { ...cur, passwordHash: await deps.hasher.hash(password) };
  await deps.store.db.transaction().execute(async (tx) => {
    await store.updateUser(tx, next, now.toISOString());
    await revokeUserTokens(tx, id, now, deps.settings.tokenExpirationSec);
  });
}

export async function deleteUser(deps: IdentityDeps, id: string): Promise<void> {
  await findUser(deps, id);
  await deps.store.db.transaction().execute(async (tx) => {
    await store.deleteUser(tx, id);
    await revokeUserTokens(tx, id, deps.clock(), deps.settings.tokenExpirationSec);
  });
}

export function callerDomain(caller: AuthContext): string {
  return caller.domainId ?? caller.projectDomainId ?? caller.userDomainId;
}
