import { isDnsDomain, toLowerCaseName } from '../dns/dns-names.js';
import type { AttributeMap } from '../network-attributes.js';
import {
  isOneOf,
  isString,
  isStringOrNone,
  listOf,
  noneToEmptyList,
  toBoolean,
  toInt,
} from '../network-attributes.js';

/** Provider network types Strata offers (ML2's type drivers). */
export const networkTypes = ['flat', 'vlan', 'vxlan', 'local'] as const;

const projectId = { post: true, put: false, default: undefined, validate: isString(255) } as const;

/** The network attribute map: the core resource, external-net, provider, net-mtu, port-security, AZ hints. */
export const networkAttributes: AttributeMap = {
  id: { post: false, put: false },
  name: { post: true, put: true, default: '', validate: isString(255) },
  description: { post: true, put: true, default: '', validate: isString(255) },
  admin_state_up: { post: true, put: true, default: true, convert: toBoolean },
  status: { post: false, put: false },
  subnets: { post: false, put: false },
  tenant_id: projectId,
  project_id: projectId,
  shared: { post: true, put: true, default: false, convert: toBoolean },
  'router:external': { post: true, put: true, default: false, convert: toBoolean },
  mtu: { post: true, put: true, default: undefined, convert: toInt, validate: isMtu },
  port_security_enabled: { post: true, put: true, default: true, convert: toBoolean },
  is_default: { post: true, put: true, default: false, convert: toBoolean },
  availability_zone_hints: {
    post: true,
    put: false,
    default: [],
    convert: noneToEmptyList,
    validate: listOf(isString(255)),
  },
  'provider:network_type': {
    post: true,
    put: true,
    default: undefined,
    validate: isStringOrNone(255),
  },
  'provider:physical_network': {
    post: true,
    put: true,
    default: undefined,
    validate: isStringOrNone(64),
  },
  'provider:segmentation_id': { post: true, put: true, default: undefined, convert: toInt },
  dns_domain: { post: true, put: true, default: '', convert: toLowerCaseName, validate: isDnsDomain },
};

function isMtu(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  const n = v as number;
  if (n < 68) return `'${n}' is too small - must be at least '68'`;
  return undefined;
}

export const isNetworkType = isOneOf(networkTypes);
