import { UnauthorizedError } from '../../common/errors.js';
import type { ApplicationCredential } from '../application-credentials/application-credential-store.js';
import * as appCredStore from '../application-credentials/application-credential-store.js';
import { resolveDomain } from '../domains/domain-service.js';
import type { IdentityDeps } from '../identity-deps.js';
import { authFailed, expectingToFind } from '../identity-errors.js';
import { checkNotLocked, noteFailedPassword, noteRightPassword } from './user-lockout.js';
import type { TokenPayload } from '../tokens/token-format.js';
import type { User } from '../users/user-store.js';
import * as userStore from '../users/user-store.js';
import type { AuthRequest } from './auth-schemas.js';
import { resolveToken } from './token-resolver.js';

/** Who the request proved to be, and what the proof constrains. */
export interface Identified {
  readonly user: User;
  readonly methods: ReadonlyArray<string>;
  /** The token used by the `token` method: the new token inherits its expiry and audit chain. */
  readonly parent?: TokenPayload;
  readonly applicationCredential?: ApplicationCredential;
}

const supported = ['password', 'token', 'application_credential'] as const;

/** Keystone answers a method it does not offer with this 401 before looking at anything else. */
export function assertMethodsSupported(identity: AuthRequest['identity']): void {
  const methods = identity.methods;
  if (methods.length === 0 || methods.some((m) => !(supported as ReadonlyArray<string>).includes(m))) {
    throw new UnauthorizedError(
      'identity.auth.method_unsupported',
      'Attempted to authenticate with an unsupported method.',
    );
  }
}

/** Runs the requested methods; every failure is the same 401, as Keystone hides why. */
export async function identify(deps: IdentityDeps, identity: AuthRequest['identity']): Promise<Identified> {
  assertMethodsSupported(identity);
  const methods = identity.methods;
  const method = methods[0]!;
  if (methods.length > 1) throw authFailed('identity.auth.multi_method');
  if (method === 'password') return { user: await byPassword(deps, identity.password?.user), methods };
  if (method === 'token') return byToken(deps, identity.token?.id);
  return byApplicationCredential(deps, identity.application_credential);
}

type UserRef = NonNullable<NonNullable<AuthRequest['identity']['password']>['user']>;

async function findUserRef(deps: IdentityDeps, ref: UserRef | undefined): Promise<User | undefined> {
  if (ref === undefined) return undefined;
  // A name means nothing without its domain: Keystone's 400, before any password check.
  if (ref.name && ref.domain === undefined) throw expectingToFind('domain', 'user');
  if (ref.id !== undefined) return userStore.getUser(deps.store.db, ref.id);
  if (ref.name === undefined || ref.domain === undefined) return undefined;
  const domain = await resolveDomain(deps, ref.domain);
  return domain && userStore.getUserByName(deps.store.db, domain.id, ref.name);
}

async function byPassword(deps: IdentityDeps, ref: UserRef | undefined): Promise<User> {
  const user = await findUserRef(deps, ref);
  const password = ref?.password ?? '';
  if (user !== undefined) await checkNotLocked(deps, user.id);
  // Hash even for unknown users so timing does not reveal which names exist.
  const stored = user?.passwordHash ?? undefined;
  const ok = await deps.hasher.verify(password, stored);
  if (user === undefined || stored === undefined || !ok) {
    if (user !== undefined) await noteFailedPassword(deps, user.id);
    throw authFailed();
  }
  if (!user.enabled) throw authFailed();
  await noteRightPassword(deps, user.id);
  if (deps.hasher.needsRehash(stored))
    await userStore.upgradePasswordHash(deps.store.db, user.id, stored, await deps.hasher.hash(password));
  return user;
}

async function byToken(deps: IdentityDeps, tokenId: string | undefined): Promise<Identified> {
  const parent = tokenId === undefined ? undefined : await resolveToken(deps, tokenId);
  if (parent === undefined) throw authFailed();
  if (parent.payload.applicationCredentialId !== undefined)
    throw authFailed('identity.auth.rescope_app_cred');
  return {
    user: parent.user,
    methods: [...new Set([...parent.payload.methods, 'token'])],
    parent: parent.payload,
  };
}

async function byApplicationCredential(
  deps: IdentityDeps,
  ref: NonNullable<AuthRequest['identity']['application_credential']> | undefined,
): Promise<Identified> {
  if (ref === undefined || ref.secret === undefined) throw authFailed();
  const db = deps.store.db;
  let cred: ApplicationCredential | undefined;
  if (ref.id !== undefined) cred = await appCredStore.getApplicationCredential(db, ref.id);
  else if (ref.name !== undefined) {
    const owner = await findUserRef(deps, ref.user);
    cred = owner && (await appCredStore.getApplicationCredentialByName(db, owner.id, ref.name));
  }
  const ok = await deps.hasher.verify(ref.secret, cred?.secretHash);
  if (cred === undefined || !ok) throw authFailed();
  if (deps.hasher.needsRehash(cred.secretHash))
    await appCredStore.upgradeSecretHash(db, cred.id, cred.secretHash, await deps.hasher.hash(ref.secret));
  if (cred.expiresAt !== null && Date.parse(cred.expiresAt) <= deps.clock().getTime()) throw authFailed();
  const user = await userStore.getUser(db, cred.userId);
  if (user === undefined || !user.enabled) throw authFailed();
  return { user, methods: ['application_credential'], applicationCredential: cred };
}
