import type { AccessRule } from '../../common/http/access-rules.js';
import { ForbiddenError, NotFoundError } from '../../common/errors.js';
import { route } from '../../common/http/route-spec.js';
import type { IdentityDeps } from '../identity-deps.js';
import * as accessRuleStore from './access-rule-store.js';
import * as store from './application-credential-store.js';
import { accessRuleListResponse, accessRuleResponse } from './application-credential-response-schemas.js';

/**
 * /v3/users/{id}/access_rules: a user's access rules. As in Keystone a rule outlives the
 * application credentials that used it; it may be deleted once none uses it (else 403).
 */
const base = '/v3/users/:user_id/access_rules';
const owner = (ctx: { params: Readonly<Record<string, string>> }) => ({ user_id: ctx.params['user_id'] });

async function findRule(deps: IdentityDeps, userId: string, id: string): Promise<AccessRule> {
  const rule = (await accessRuleStore.listAccessRules(deps.store.db, userId)).find((r) => r.id === id);
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
        access_rules: (await accessRuleStore.listAccessRules(deps.store.db, userId)).map((r) =>
          view(r, ctx.serviceUrl),
        ),
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
      const userId = ctx.params['user_id']!;
      const rule = await findRule(deps, userId, ctx.params['access_rule_id']!);
      const credentials = await store.listApplicationCredentials(deps.store.db, userId);
      if (credentials.some((c) => c.accessRules.some((r) => r.id === rule.id)))
        throw new ForbiddenError('identity.access_rule.in_use', 'May not delete access rule in use');
      await accessRuleStore.deleteAccessRule(deps.store.db, rule.id);
    },
  }),
];
