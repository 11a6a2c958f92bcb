import { isDnsName, toLowerCaseName } from '../dns/dns-names.js';
import type { AttributeMap } from '../network-attributes.js';
import {
  isDict,
  isString,
  isUuid,
  listOf,
  noneToEmptyDict,
  noneToEmptyList,
  pyStr,
  toBoolean,
} from '../network-attributes.js';
import { parseCidrLoose, parseIp } from '../ipam/ip-address.js';
import { sanitizeMac } from '../ipam/mac-address.js';

export const vnicTypes = [
  'normal',
  'direct',
  'macvtap',
  'baremetal',
  'direct-physical',
  'virtio-forwarder',
  'smart-nic',
  'vdpa',
  'remote-managed',
];

const projectId = { post: true, put: false, default: undefined, validate: isString(255) } as const;

export function isFixedIps(v: unknown): string | undefined {
  if (!Array.isArray(v)) return `Invalid data format for fixed IP: '${pyStr(v)}'`;
  const seen = new Set<string>();
  for (const f of v as unknown[]) {
    if (f === null || typeof f !== 'object' || Array.isArray(f))
      return `Invalid data format for fixed IP: '${pyStr(f)}'`;
    const o = f as Record<string, unknown>;
    if (Object.keys(o).some((k) => k !== 'ip_address' && k !== 'subnet_id'))
      return `Invalid data format for fixed IP: '${pyStr(f)}'`;
    if ('ip_address' in o) {
      if (seen.has(String(o['ip_address']))) return `Duplicate IP address '${pyStr(o['ip_address'])}'`;
      seen.add(String(o['ip_address']));
      if (parseIp(o['ip_address']) === undefined)
        return `'${pyStr(o['ip_address'])}' is not a valid IP address`;
    }
    if ('subnet_id' in o) {
      const bad = isUuid(o['subnet_id']);
      if (bad !== undefined) return bad;
    }
  }
  return undefined;
}

function isAddressPair(v: unknown): string | undefined {
  const p = v as Record<string, unknown>;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return `Allowed address pairs must be a list.`;
  if (!('ip_address' in p)) return 'AllowedAddressPair must contain ip_address';
  if (Object.keys(p).some((k) => k !== 'ip_address' && k !== 'mac_address'))
    return `Unrecognized attribute(s) '${Object.keys(p)
      .filter((k) => k !== 'ip_address' && k !== 'mac_address')
      .join(', ')}'`;
  if (parseCidrLoose(p['ip_address']) === undefined)
    return `'${pyStr(p['ip_address'])}' is not a valid IP address`;
  if ('mac_address' in p && sanitizeMac(p['mac_address']) === undefined)
    return `'${pyStr(p['mac_address'])}' is not a valid MAC address`;
  return undefined;
}

function isDhcpOpt(v: unknown): string | undefined {
  const o = v as Record<string, unknown>;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return `'${pyStr(v)}' is not a dictionary`;
  if (typeof o['opt_name'] !== 'string' || o['opt_name'] === '')
    return `'${pyStr(o['opt_name'])}' is not a valid string`;
  if (o['opt_value'] !== null && typeof o['opt_value'] !== 'string')
    return `'${pyStr(o['opt_value'])}' is not a valid string`;
  if ('ip_version' in o && o['ip_version'] !== 4 && o['ip_version'] !== 6)
    return `${pyStr(o['ip_version'])} is not in [4, 6]`;
  return undefined;
}

const mac = (v: unknown) => sanitizeMac(v) ?? v;
const isMac = (v: unknown) =>
  sanitizeMac(v) === undefined ? `'${pyStr(v)}' is not a valid MAC address` : undefined;

/** The port attribute map: core resource, binding, port-security, allowed-address-pairs, extra_dhcp_opt, security groups. */
export const portAttributes: AttributeMap = {
  id: { post: false, put: false },
  name: { post: true, put: true, default: '', validate: isString(255) },
  description: { post: true, put: true, default: '', validate: isString(255) },
  network_id: { post: true, put: false, validate: isUuid },
  admin_state_up: { post: true, put: true, default: true, convert: toBoolean },
  mac_address: { post: true, put: true, default: undefined, convert: mac, validate: isMac },
  fixed_ips: { post: true, put: true, default: undefined, validate: isFixedIps },
  device_id: { post: true, put: true, default: '', validate: isString(255) },
  device_owner: { post: true, put: true, default: '', validate: isString(255) },
  tenant_id: projectId,
  project_id: projectId,
  status: { post: false, put: false },
  'binding:host_id': { post: true, put: true, default: '', validate: isString(255) },
  'binding:vnic_type': {
    post: true,
    put: true,
    default: 'normal',
    validate: (v) =>
      vnicTypes.includes(v as string)
        ? undefined
        : `${pyStr(v)} is not in [${vnicTypes.map((t) => `'${t}'`).join(', ')}]`,
  },
  'binding:profile': { post: true, put: true, default: {}, convert: noneToEmptyDict, validate: isDict },
  'binding:vif_type': { post: false, put: false },
  'binding:vif_details': { post: false, put: false },
  port_security_enabled: { post: true, put: true, default: undefined, convert: toBoolean },
  // dns-integration: the format here; against the cloud's domain in the service (checkDnsName).
  dns_name: { post: true, put: true, default: '', convert: toLowerCaseName, validate: isDnsName('') },
  dns_assignment: { post: false, put: false },
  allowed_address_pairs: {
    post: true,
    put: true,
    default: [],
    convert: noneToEmptyList,
    validate: listOf(isAddressPair),
  },
  extra_dhcp_opts: {
    post: true,
    put: true,
    default: [],
    convert: noneToEmptyList,
    validate: listOf(isDhcpOpt),
  },
  security_groups: {
    post: true,
    put: true,
    default: undefined,
    convert: noneToEmptyList,
    validate: listOf(isUuid),
  },
};
