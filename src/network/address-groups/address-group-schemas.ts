import type { AttributeMap } from '../network-attributes.js';
import { isString, listOf, noneToEmptyList, pyStr } from '../network-attributes.js';
import { formatIp, formatNetwork, networkOf, parseCidrLoose } from '../ipam/ip-address.js';

const projectId = { post: true, put: false, default: undefined, validate: isString(255) } as const;

/**
 * neutron-lib's type:subnet (as netaddr reads it): `address/prefix` with the slash, host bits
 * allowed, an IPv4 address spelled canonically.
 */
export function isAddressCidr(v: unknown): string | undefined {
  const c = parseCidrLoose(v);
  if (c === undefined || typeof v !== 'string') return `'${pyStr(v)}' is not a valid IP subnet`;
  if (!v.includes('/') || (c.ip.version === 4 && `${formatIp(c.ip)}/${c.prefixLength}` !== v))
    return `'${v}' isn't a recognized IP subnet cidr, '${formatNetwork(networkOf(c.ip, c.prefixLength))}' is recommended`;
  return undefined;
}

/** What Neutron stores for an address: the network with host bits cleared (`10.0.0.0/24`). */
export function normalizedAddress(cidr: string): string {
  const c = parseCidrLoose(cidr)!;
  return formatNetwork(networkOf(c.ip, c.prefixLength));
}

export const isAddressList = listOf(isAddressCidr);

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
