import { route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { resourceBody } from '../network-attributes.js';
import { callerOf } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { applyList, parseListQuery, pickFields } from '../network-list.js';
import { ruleNotFound } from './security-group-errors.js';
import * as service from './security-group-rule-service.js';
import type { SecurityGroupRuleRow } from './security-group-store.js';
import { getGroupRow, listRuleRows } from './security-group-store.js';
import { ruleTarget, ruleView } from './security-group-view.js';
import { bulkItems } from '../network-bulk.js';
import {
  securityGroupRuleCreateResponse,
  securityGroupRuleListResponse,
  securityGroupRuleResponse,
} from './security-group-response-schemas.js';

const sortable = new Set([
  'id',
  'security_group_id',
  'remote_group_id',
  'remote_address_group_id',
  'direction',
  'protocol',
  'port_range_min',
  'port_range_max',
  'ethertype',
  'remote_ip_prefix',
  'project_id',
  'tenant_id',
  'created_at',
  'updated_at',
  'revision_number',
]);

const idOf = (ctx: RequestContext) => ctx.params['security_group_rule_id']!;

function one(ctx: RequestContext, row: SecurityGroupRuleRow) {
  return { security_group_rule: pickFields(ruleView(row), parseListQuery(ctx.query).fields) };
}

async function target(ctx: RequestContext, deps: NetworkDeps) {
  const row = await service.findRule(deps.store.db, callerOf(ctx), idOf(ctx));
  return ruleTarget(row, await getGroupRow(deps.store.db, row.security_group_id));
}

export const securityGroupRuleRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/security-group-rules',
    policy: 'get_security_group_rule',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 200,
    response: securityGroupRuleListResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const caller = callerOf(ctx);
      const q = parseListQuery(ctx.query);
      const rows = await listRuleRows(deps.store.db, caller.projectId, caller.isAdmin);
      const { items, links } = applyList(rows.map(ruleView), q, {
        url: ctx.url,
        query: ctx.query,
        sortable,
        markerMissing: ruleNotFound,
      });
      return {
        security_group_rules: items.map((r) => pickFields(r, q.fields)),
        ...(links.length > 0 && { security_group_rules_links: links }),
      };
    },
  }),
  route<NetworkDeps>({
    method: 'POST',
    url: '/v2.0/security-group-rules',
    policy: 'create_security_group_rule',
    target: (ctx) => ({ project_id: ctx.auth.projectId }),
    successStatus: 201,
    response: securityGroupRuleCreateResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const items = bulkItems(ctx.body, 'security_group_rule', 'security_group_rules');
      if (items === undefined)
        return one(
          ctx,
          await service.createRule(deps, callerOf(ctx), resourceBody(ctx.body, 'security_group_rule')),
        );
      const fields = parseListQuery(ctx.query).fields;
      const rows = await service.createRules(deps, callerOf(ctx), items);
      return { security_group_rules: rows.map((r) => pickFields(ruleView(r), fields)) };
    },
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/security-group-rules/:security_group_rule_id',
    policy: 'get_security_group_rule',
    target,
    successStatus: 200,
    response: securityGroupRuleResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => one(ctx, await service.findRule(deps.store.db, callerOf(ctx), idOf(ctx))),
  }),
  route<NetworkDeps>({
    method: 'DELETE',
    url: '/v2.0/security-group-rules/:security_group_rule_id',
    policy: 'delete_security_group_rule',
    target,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => service.deleteRule(deps, callerOf(ctx), idOf(ctx)),
  }),
];
