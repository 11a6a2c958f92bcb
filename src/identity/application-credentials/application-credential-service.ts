import { ForbiddenError, InputError, NotFoundError } from '../../common/errors.js';
import { hexId, randomToken } from '../../common/ids.js';
import type { AccessRule } from '../../common/http/access-rules.js';
import type { AuthContext } from '../../common/http/auth-context.js';
import { uniqueWrite } from '../../db/unique-write.js';
import type { IdentityDeps } from '../identity-deps.js';
import { duplicate, notFound } from '../identity-errors.js';
import * as roleStore from '../roles/role-store.js';
import type { Role } from '../roles/role-store.js';
import type { ApplicationCredential } from './application-credential-store.js';
import * as accessRuleStore from './access-rule-store.js';
import * as store from './application-credential-store.js';

export interface ApplicationCredentialRequest {
  readonly name: string;
  readonly description?: string | null;
  readonly secret?: string | null;
  readonly expires_at?: string | null;
  readonly roles?: ReadonlyArray<{ id?: string; name?: string }>;
  readonly unrestricted?: boolean;
  readonly access_rules?: ReadonlyArray<AccessRuleRequest>;
}

interface AccessRuleRequest {
  readonly id?: string;
  readonly service?: string;
  readonly method?: string;
  readonly path?: string;
}

/**
 * Creates a credential for the caller's project with (a subset of) the caller's roles.
 * A restricted credential cannot mint others, so a leaked one cannot entrench itself.
 */
export async function createApplicationCredential(
  deps: IdentityDeps,
  caller: AuthContext,
  userId: string,
  req: ApplicationCredentialRequest,
): Promise<{ credential: ApplicationCredential; secret: string; roles: Role[] }> {
  if (!caller.unrestricted) {
    throw new ForbiddenError(
      'identity.app_cred.restricted',
      'Cannot create an application credential with a restricted application credential.',
    );
  }
  if (caller.projectId === undefined) {
    throw new ForbiddenError(
      'identity.app_cred.unscoped',
      'A project-scoped token is required to create an application credential.',
    );
  }
  const tokenRoles = await roleStore.listRoles(deps.store.db, {});
  const held = tokenRoles.filter((r) => caller.roles.includes(r.name));
  const roles =
    req.roles === undefined || req.roles.length === 0 ? held : req.roles.map((ref) => pickRole(held, ref));
  const expiresAt = parseExpiry(deps, req.expires_at);
  const accessRules = await accessRulesFor(deps, userId, req.access_rules ?? []);
  const secret = req.secret ?? randomToken(64);
  const credential: ApplicationCredential = {
    id: hexId(),
    name: req.name,
    userId,
    projectId: caller.projectId,
    secretHash: await deps.hasher.hash(secret),
    description: req.description ?? '',
    expiresAt,
    unrestricted: req.unrestricted === true,
    roleIds: roles.map((r) => r.id),
    accessRules,
  };
  await uniqueWrite(
    deps.store.traits,
    () => store.insertApplicationCredential(deps.store.db, credential, deps.clock().toISOString()),
    () => duplicate('application_credential', `Duplicate entry found with name ${req.name}`),
  );
  await accessRuleStore.addAccessRules(deps.store.db, userId, accessRules);
  return { credential, secret, roles };
}

/**
 * Each rule gets an id; the same call asked for again by the same user keeps its id, and a
 * rule may be named by the id alone, as Keystone's per-user access rules are.
 */
async function accessRulesFor(
  deps: IdentityDeps,
  userId: string,
  asked: ReadonlyArray<AccessRuleRequest>,
): Promise<AccessRule[]> {
  if (asked.length === 0) return [];
  const known = await accessRuleStore.listAccessRules(deps.store.db, userId);
  return asked.map((a) => {
    const same = known.find((k) =>
      a.service === undefined && a.method === undefined && a.path === undefined
        ? k.id === a.id
        : k.service === a.service && k.method === a.method && k.path === a.path,
    );
    if (same !== undefined) return same;
    if (a.service === undefined || a.method === undefined || a.path === undefined) {
      if (a.id !== undefined)
        throw new NotFoundError('identity.access_rule.not_found', `Could not find Access Rule: ${a.id}.`);
      throw new InputError(
        'identity.app_cred.access_rule',
        "Invalid input for field 'access_rules': each rule needs service, method and path.",
      );
    }
    return { id: hexId(), service: a.service, method: a.method, path: a.path };
  });
}

function pickRole(held: ReadonlyArray<Role>, ref: { id?: string; name?: string }): Role {
  const r = held.find((h) => (ref.id !== undefined ? h.id === ref.id : h.name === ref.name));
  if (r === undefined) {
    throw new NotFoundError(
      'identity.app_cred.role_not_held',
      `Could not find role assignment with role: ${ref.id ?? ref.name}.`,
    );
  }
  return r;
}

function parseExpiry(deps: IdentityDeps, text: string | null | undefined): string | null {
  if (text === undefined || text === null) return null;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(ms))
    throw new InputError(
      'identity.app_cred.bad_expiry',
      `Invalid input for field 'expires_at': '${text}' is not a timestamp`,
    );
  if (ms <= deps.clock().getTime())
    throw new InputError('identity.app_cred.past_expiry', "The 'expires_at' must not be before now.");
  return withMicroseconds(new Date(ms).toISOString(), text);
}

/** Keystone keeps the microseconds a client gave (`…19.725984`); a Date keeps only milliseconds. */
function withMicroseconds(iso: string, text: string): string {
  const fraction = /T[\d:]+[.,](\d+)/.exec(text)?.[1];
  if (fraction === undefined) return iso;
  return iso.replace(/\.\d{3}Z$/, `.${fraction.padEnd(6, '0').slice(0, 6)}Z`);
}

export async function findApplicationCredential(
  deps: IdentityDeps,
  userId: string,
  id: string,
): Promise<ApplicationCredential> {
  const c = await store.getApplicationCredential(deps.store.db, id);
  if (c === undefined || c.userId !== userId) throw notFound('application credential', id);
  return c;
}

export async function deleteApplicationCredential(
  deps: IdentityDeps,
  caller: AuthContext,
  userId: string,
  id: string,
): Promise<void> {
  await findApplicationCredential(deps, userId, id);
  if (!caller.unrestricted) {
    throw new ForbiddenError(
      'identity.app_cred.restricted',
      'Cannot delete an application credential with a restricted application credential.',
    );
  }
  await store.deleteApplicationCredential(deps.store.db, id);
}
