import type { AttributeMap } from '../network-attributes.js';
import { isString, listOf, noneToEmptyList, pyStr } from '../network-attributes.js';
import { formatNetwork, networkOf, parseCidrLoose } from '../ipam/ip-address.js';
import { isSubnetCidr } from '../subnets/subnet-schemas.js';

const projectId = { post: true, put: false, default: undefined, validate: isString(255) } as const;

/** What Neutron stores for an address: the network with host bits cleared (`10.0.0.0/24`). */
export function normalizedAddress(cidr: string): string {
  const c = parseCidrLoose(cidr)!;
  return formatNetwork(networkOf(c.ip, c.prefixLength));
}

export const isAddressList = listOf(isSubnetCidr);

/**
 * The add/remove actions' addresses: Neutron reads each with netaddr, unchecked, so a bare
 * address is its /32 (or /128) there, where a create needs the slash.
 */
export function isActionAddressList(v: unknown): string | undefined {
  if (!Array.isArray(v)) return `'${pyStr(v)}' is not a list`;
  const bad = v.find((a) => typeof a !== 'string' || parseCidrLoose(a) === undefined) as unknown;
  return bad === undefined ? undefined : `'${pyStr(bad)}' is not a valid IP subnet`;
}

/** neutron-lib's address-group attribute map (`shared` exists but is neither settable nor shown). */
export const addressGroupAttributes: AttributeMap = {
  id: { post: false, put: false },
  name: { post: true, put: true, default: '', validate: isString(255) },
  description: { post: true, put: true, default: '', validate: isString(1024) },
  tenant_id: projectId,
  project_id: projectId,
  addresses: { post: true, put: false, default: [], convert: noneToEmptyList, validate: isAddressList },
  shared: { post: false, put: false },
};
