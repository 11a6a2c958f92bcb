import type { AttributeMap } from '../network-attributes.js';
import { isString, isUuid, listOf, toBoolean, toInt } from '../network-attributes.js';
import { isNonNegative, isSubnetCidr } from '../subnets/subnet-schemas.js';

const projectId = { post: true, put: false, default: undefined, validate: isString(255) } as const;

function isNotEmptyString(v: unknown): string | undefined {
  const bad = isString(255)(v);
  if (bad !== undefined) return bad;
  return (v as string).trim() === '' ? `'${v as string}' Blank strings are not permitted` : undefined;
}

const prefixLength = { post: true, put: true, default: undefined, convert: toInt, validate: isNonNegative };

/** The subnetpool attribute map, with address-scope's address_scope_id and the standard attributes. */
export const subnetPoolAttributes: AttributeMap = {
  id: { post: false, put: false },
  name: { post: true, put: true, validate: isNotEmptyString },
  description: { post: true, put: true, default: '', validate: isString(255) },
  tenant_id: projectId,
  project_id: projectId,
  prefixes: { post: true, put: true, validate: listOf(isSubnetCidr) },
  default_quota: {
    post: true,
    put: true,
    default: undefined,
    convert: toInt,
    validate: (v) => (v === null ? undefined : isNonNegative(v)),
  },
  ip_version: { post: false, put: false },
  default_prefixlen: prefixLength,
  min_prefixlen: prefixLength,
  max_prefixlen: prefixLength,
  is_default: { post: true, put: true, default: false, convert: toBoolean },
  shared: { post: true, put: false, default: false, convert: toBoolean },
  address_scope_id: {
    post: true,
    put: true,
    default: undefined,
    validate: (v) => (v === null ? undefined : isUuid(v)),
  },
};

/** The body of add_prefixes/remove_prefixes: a non-empty list, each a valid subnet. */
export function prefixesOf(body: unknown): string[] | 'invalid' {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'invalid';
  const prefixes = (body as Record<string, unknown>)['prefixes'];
  if (!Array.isArray(prefixes) || prefixes.length === 0) return 'invalid';
  return prefixes as string[];
}
