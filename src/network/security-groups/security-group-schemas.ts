import type { AttributeMap } from '../network-attributes.js';
import { isOneOf, isString, isStringOrNone, toBoolean } from '../network-attributes.js';
import { defaultAlreadyExists } from './security-group-errors.js';
import {
  convertEthertype,
  convertIpPrefix,
  convertPort,
  convertProtocol,
} from './security-group-protocols.js';

const projectId = { post: true, put: false, default: undefined, validate: isString(255) } as const;

/** type:name_not_default: no group but the project's own may be called `default`. */
function isNameNotDefault(v: unknown): string | undefined {
  const bad = isString(255)(v);
  if (bad !== undefined) return bad;
  if ((v as string).toLowerCase() === 'default') throw defaultAlreadyExists();
  return undefined;
}

/**
 * The security group attribute map: security-group, stateful-security-group,
 * security-groups-shared-filtering (`shared`, read-only: RBAC policies share a group), standard attributes.
 */
export const securityGroupAttributes: AttributeMap = {
  id: { post: false, put: false },
  name: { post: true, put: true, default: '', validate: isNameNotDefault },
  description: { post: true, put: true, default: '', validate: isString(255) },
  tenant_id: projectId,
  project_id: projectId,
  stateful: { post: true, put: true, default: true, convert: toBoolean },
  security_group_rules: { post: false, put: false },
  shared: { post: false, put: false },
};

/** The rule attribute map: rules are created and deleted, never updated. */
export const securityGroupRuleAttributes: AttributeMap = {
  id: { post: false, put: false },
  security_group_id: { post: true, put: false, validate: isString(36) },
  remote_group_id: { post: true, put: false, default: null },
  remote_address_group_id: { post: true, put: false, default: null },
  direction: { post: true, put: false, validate: isOneOf(['ingress', 'egress']) },
  protocol: { post: true, put: false, default: null, convert: convertProtocol },
  port_range_min: { post: true, put: false, default: null, convert: convertPort },
  port_range_max: { post: true, put: false, default: null, convert: convertPort },
  ethertype: { post: true, put: false, default: 'IPv4', convert: convertEthertype },
  remote_ip_prefix: { post: true, put: false, default: null, convert: convertIpPrefix },
  description: { post: true, put: false, default: '', validate: isStringOrNone(255) },
  tenant_id: projectId,
  project_id: projectId,
};
