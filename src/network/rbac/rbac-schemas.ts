import type { AttributeMap } from '../network-attributes.js';
import { isString, isUuid } from '../network-attributes.js';
import { invalidInput } from '../network-errors.js';

/** The object types this cloud keeps policies for (Neutron also has qos and bgpvpn). */
export const rbacObjectTypes = [
  'network',
  'security_group',
  'address_scope',
  'subnetpool',
  'address_group',
] as const;

/** Neutron's convert_valid_object_type. */
function toObjectType(v: unknown): unknown {
  const normalized = typeof v === 'string' ? v.trim().toLowerCase() : v;
  if (typeof normalized === 'string' && (rbacObjectTypes as ReadonlyArray<string>).includes(normalized))
    return normalized;
  throw invalidInput(`'${String(v)}' is not a valid RBAC object type`);
}

const projectId = { post: true, put: false, default: undefined, validate: isString(255) } as const;

/** The rbac_policies attribute map (neutron/extensions/rbac.py). */
export const rbacPolicyAttributes: AttributeMap = {
  id: { post: false, put: false },
  object_type: { post: true, put: false, convert: toObjectType },
  object_id: { post: true, put: false, validate: isUuid },
  target_tenant: { post: true, put: true, validate: isString(255) },
  tenant_id: projectId,
  project_id: projectId,
  action: { post: true, put: false, validate: isString(255) },
};
