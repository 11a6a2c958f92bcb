import { isDnsDomain, isFipDnsName, toLowerCaseName } from '../dns/dns-names.js';
import type { AttributeMap } from '../network-attributes.js';
import { isString, isUuid, pyStr } from '../network-attributes.js';
import { parseIp } from '../ipam/ip-address.js';

const projectId = { post: true, put: false, default: undefined, validate: isString(255) } as const;

const isIpOrNone = (v: unknown) =>
  v === null || parseIp(v) !== undefined ? undefined : `'${pyStr(v)}' is not a valid IP address`;
const isUuidOrNone = (v: unknown) => (v === null ? undefined : isUuid(v));

/** The floating IP attribute map (l3's floatingip plus standard-attr-description). */
export const floatingIpAttributes: AttributeMap = {
  id: { post: false, put: false },
  floating_ip_address: { post: true, put: false, default: null, validate: isIpOrNone },
  subnet_id: { post: true, put: false, default: null, validate: isUuidOrNone },
  floating_network_id: { post: true, put: false, validate: isUuid },
  router_id: { post: false, put: false },
  port_id: { post: true, put: true, default: null, validate: isUuidOrNone },
  fixed_ip_address: { post: true, put: true, default: null, validate: isIpOrNone },
  tenant_id: projectId,
  project_id: projectId,
  status: { post: false, put: false },
  port_details: { post: false, put: false },
  description: { post: true, put: true, default: '', validate: isString(255) },
  dns_name: { post: true, put: false, default: '', convert: toLowerCaseName, validate: isFipDnsName },
  dns_domain: { post: true, put: false, default: '', convert: toLowerCaseName, validate: isDnsDomain },
};
