import Type from 'typebox';
import { int, str, strict } from '../../common/http/response-schemas.js';
import { ownerAttributes } from '../network-response-schemas.js';

/**
 * Neutron's quota bodies (api-ref "Quotas extension", quotas and quota_details) for the
 * resources an ML2 + L3 + RBAC Neutron registers: every one always shown.
 */
const resources = [
  'network',
  'subnet',
  'subnetpool',
  'port',
  'router',
  'floatingip',
  'security_group',
  'security_group_rule',
  'rbac_policy',
] as const;

const each = <T extends ReturnType<typeof strict> | typeof int>(t: T) =>
  Object.fromEntries(resources.map((r) => [r, t])) as Record<(typeof resources)[number], T>;

const limits = each(int);

export const quotaResponse = strict({ quota: strict(limits) });
export const quotaListResponse = strict({ quotas: Type.Array(strict({ ...limits, ...ownerAttributes })) });
export const quotaDetailsResponse = strict({
  quota: strict(each(strict({ limit: int, used: int, reserved: int }))),
});
/** GET /v2.0/quotas/project: the caller's project. */
export const quotaProjectResponse = strict({ project: strict({ project_id: str }) });
