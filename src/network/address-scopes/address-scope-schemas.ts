import type { AttributeMap } from '../network-attributes.js';
import { isOneOf, isString, toBoolean, toInt } from '../network-attributes.js';

const projectId = { post: true, put: false, default: undefined, validate: isString(255) } as const;

/** neutron-lib's address-scope attribute map (no standard attributes on this resource). */
export const addressScopeAttributes: AttributeMap = {
  id: { post: false, put: false },
  name: { post: true, put: true, default: '', validate: isString(255) },
  tenant_id: projectId,
  project_id: projectId,
  shared: { post: true, put: true, default: false, convert: toBoolean },
  ip_version: { post: true, put: false, convert: toInt, validate: isOneOf([4, 6]) },
};
