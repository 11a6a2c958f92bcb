import type { AttributeMap } from '../network-attributes.js';
import {
  isOneOf,
  isString,
  isUuid,
  listOf,
  noneToEmptyList,
  pyStr,
  toBoolean,
  toInt,
} from '../network-attributes.js';
import { formatIp, formatNetwork, networkOf, parseCidrLoose, parseIp } from '../ipam/ip-address.js';

/** neutron-lib's type:non_negative, after convert_to_int. */
export function isNonNegative(v: unknown): string | undefined {
  if (typeof v !== 'number') return `'${pyStr(v)}' is not an integer`;
  return v < 0 ? `'${v}' should be non-negative` : undefined;
}

export const ipv6Modes = ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac'] as const;

const projectId = { post: true, put: false, default: undefined, validate: isString(255) } as const;

function isIpOrNone(v: unknown): string | undefined {
  return v === null || parseIp(v) !== undefined ? undefined : `'${pyStr(v)}' is not a valid IP address`;
}

export function isSubnetCidr(v: unknown): string | undefined {
  const c = parseCidrLoose(v);
  if (c === undefined || typeof v !== 'string' || !v.includes('/')) {
    if (c !== undefined)
      return `'${v as string}' isn't a recognized IP subnet cidr, '${v as string}/${c.prefixLength}' is recommended`;
    return `'${pyStr(v)}' is not a valid IP subnet`;
  }
  // As neutron-lib: host bits are fine (`10.99.99.0/16`; the subnet keeps its network,
  // `10.99.0.0/16`), only an IPv4 text in another spelling is refused.
  if (c.ip.version === 4 && `${formatIp(c.ip)}/${c.prefixLength}` !== v) {
    const recommended = formatNetwork(networkOf(c.ip, c.prefixLength));
    return `'${v}' isn't a recognized IP subnet cidr, '${recommended}' is recommended`;
  }
  return undefined;
}

function isPool(v: unknown): string | undefined {
  const p = v as Record<string, unknown>;
  if (p === null || typeof p !== 'object' || Array.isArray(p))
    return `Invalid data format for IP pool: '${pyStr(v)}'`;
  const keys = Object.keys(p).sort().join(',');
  if (keys !== 'end,start') return `Invalid data format for IP pool: '${pyStr(v)}'`;
  return isIpOrNone(p['start'] ?? 0) ?? isIpOrNone(p['end'] ?? 0);
}

function isNameserver(v: unknown): string | undefined {
  return parseIp(v) === undefined
    ? `'${pyStr(v)}' is not a valid nameserver. '${pyStr(v)}' is not a valid IP address`
    : undefined;
}

export function isHostRoute(v: unknown): string | undefined {
  const r = v as Record<string, unknown>;
  if (r === null || typeof r !== 'object' || Array.isArray(r))
    return `Invalid data format for hostroute: '${pyStr(v)}'`;
  if (Object.keys(r).sort().join(',') !== 'destination,nexthop')
    return `Invalid data format for hostroute: '${pyStr(v)}'`;
  if (parseCidrLoose(r['destination']) === undefined)
    return `'${pyStr(r['destination'])}' is not a valid CIDR`;
  return parseIp(r['nexthop']) === undefined
    ? `'${pyStr(r['nexthop'])}' is not a valid IP address`
    : undefined;
}

/**
 * The subnet attribute map (core resource plus subnet-service-types). No `segment_id`: the
 * `segment` extension adds it and is not loaded, so Neutron refuses it as unrecognized.
 */
export const subnetAttributes: AttributeMap = {
  id: { post: false, put: false },
  name: { post: true, put: true, default: '', validate: isString(255) },
  description: { post: true, put: true, default: '', validate: isString(255) },
  ip_version: { post: true, put: false, convert: toInt, validate: isOneOf([4, 6]) },
  network_id: { post: true, put: false, validate: isUuid },
  subnetpool_id: {
    post: true,
    put: false,
    default: undefined,
    validate: (v) => (v === null ? undefined : isUuid(v)),
  },
  // subnet_allocation's prefixlen and default-subnetpools' switch: request-only, never shown.
  prefixlen: { post: true, put: false, default: undefined, convert: toInt, validate: isNonNegative },
  use_default_subnetpool: { post: true, put: false, default: false, convert: toBoolean },
  cidr: { post: true, put: false, default: undefined, validate: isSubnetCidr },
  gateway_ip: { post: true, put: true, default: undefined, validate: isIpOrNone },
  allocation_pools: { post: true, put: true, default: undefined, validate: listOf(isPool) },
  dns_nameservers: {
    post: true,
    put: true,
    default: undefined,
    convert: noneToEmptyList,
    validate: listOf(isNameserver),
  },
  host_routes: {
    post: true,
    put: true,
    default: undefined,
    convert: noneToEmptyList,
    validate: listOf(isHostRoute),
  },
  tenant_id: projectId,
  project_id: projectId,
  enable_dhcp: { post: true, put: true, default: true, convert: toBoolean },
  ipv6_ra_mode: { post: true, put: false, default: undefined, validate: isOneOf([...ipv6Modes, null]) },
  ipv6_address_mode: { post: true, put: false, default: undefined, validate: isOneOf([...ipv6Modes, null]) },
  service_types: {
    post: true,
    put: true,
    default: [],
    convert: noneToEmptyList,
    validate: listOf(isString(255)),
  },
};
