import type { AccessRule } from '../../common/http/access-rules.js';
import { ForbiddenError, NotFoundError } from '../../common/errors.js';
import { route } from '../../common/http/route-spec.js';
import type { IdentityDeps } from '../identity-deps.js';
import * as store from './application-credential-store.js';
import { accessRuleListResponse, accessRuleResponse } from './application-credential-response-schemas.js';

/**
 * /v3/users/{id}/access_rules: the access rules of a user's application credentials. Here a
 * rule lives inside the credentials that use it, so every rule listed is in use and cannot
 * be deleted (Keystone's 403); Keystone also keeps rules whose credentials are gone.
 */
const base = '/v3/users/:user_id/access_rules';
const owner = (ctx: { params: Readonly<Record<string, string>> }) => ({ user_id: ctx.params['user_id'] });

async function rulesOf(deps: IdentityDeps, userId: string): Promise<AccessRule[]> {
  const byId = new Map<string, AccessRule>();
  for (const c of await store.listApplicationCredentials(deps.store.db, userId))
    for (const r of c.accessRules) byId.set(r.id, r);
  return [...byId.values()];
}

async function findRule(deps: IdentityDeps, userId: string, id: string): Promise<AccessRule> {
  const rule = (await rulesOf(deps, userId)).find((r) => r.id === id);
  if (rule === undefined)
    throw new NotFoundError('identity.access_rule.not_found', `Could not find Access Rule: ${id}.`);
  return rule;
}

// Keystone links an access rule under /v3/access_rules, outside its user (no route serves it).
const view = (r: AccessRule, serviceUrl: string) => ({
  ...r,
  links: { self: `${serviceUrl}/v3/access_rules/${r.id}` },
});

export const accessRuleRoutes = [
  route<IdentityDeps>({
    method: 'GET',
    url: base,
    policy: 'identity:list_access_rules',
    target: owner,
    successStatus: 200,
    response: accessRuleListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const userId = ctx.params['user_id']!;
      return {
        access_rules: (await rulesOf(deps, userId)).map((r) => view(r, ctx.serviceUrl)),
        links: { self: ctx.url, previous: null, next: null },
      };
    },
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: `${base}/:access_rule_id`,
    policy: 'identity:get_access_rule',
    target: owner,
    successStatus: 200,
    response: accessRuleResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const rule = await findRule(deps, ctx.params['user_id']!, ctx.params['access_rule_id']!);
      return { access_rule: view(rule, ctx.serviceUrl) };
    },
  }),
  route<IdentityDeps>({
    method: 'DELETE',
    url: `${base}/:access_rule_id`,
    policy: 'identity:delete_access_rule',
    target: owner,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      await findRule(deps, ctx.params['user_id']!, ctx.params['access_rule_id']!);
      throw new ForbiddenError('identity.access_rule.in_use', 'May not delete access rule in use');
    },
  }),
];
