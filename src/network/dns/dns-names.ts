import type { Db } from '../../db/db-handle.js';
import { httpBadRequest, invalidInput } from '../network-errors.js';
import { pyStr } from '../network-attributes.js';

/** neutron-lib's FQDN_FIELD_SIZE and the default internal domain (`dns_domain` in neutron.conf). */
export const fqdnMaxLength = 255;
export const defaultDnsDomain = 'openstacklocal.';

const labelPattern = /^[a-z0-9-]{1,63}$/;

/** convert_string_to_case_insensitive: DNS names are stored lower-cased. */
export function toLowerCaseName(v: unknown): unknown {
  if (v === null || v === undefined) return v;
  if (typeof v !== 'string') throw invalidInput(`Input value ${pyStr(v)} must be string type`);
  return v.toLowerCase();
}

/** RFC 1123 labels, as neutron-lib's `_validate_dns_format`: the reason, or undefined. */
function formatProblem(data: string): string | undefined {
  const trimmed = data.endsWith('.') ? data.slice(0, -1) : data;
  if (trimmed.length > fqdnMaxLength) return `'${trimmed}' exceeds the ${fqdnMaxLength} character FQDN limit`;
  const labels = trimmed.split('.');
  for (const label of labels) {
    if (label === '') return 'Encountered an empty component';
    if (label.startsWith('-') || label.endsWith('-'))
      return `Name '${label}' must not start or end with a hyphen`;
    if (!labelPattern.test(label))
      return `Name '${label}' must be 1-63 characters long, each of which can only be alphanumeric or a hyphen`;
  }
  const tld = labels[labels.length - 1]!;
  if (labels.length > 1 && /^[0-9]+$/.test(tld)) return `TLD '${tld}' must not be all numeric`;
  return undefined;
}

function dnsFormat(data: string): string | undefined {
  if (data === '') return undefined;
  const reason = formatProblem(data);
  return reason === undefined ? undefined : `'${data}' not a valid PQDN or FQDN. Reason: ${reason}`;
}

/** validate_dns_domain: '' or an FQDN (trailing dot) with room for a sub-domain. */
export function isDnsDomain(v: unknown): string | undefined {
  if (typeof v !== 'string') return `'${pyStr(v)}' is not a valid string`;
  if (v === '') return undefined;
  if (!v.endsWith('.')) return `'${v}' is not a FQDN`;
  const bad = dnsFormat(v);
  if (bad !== undefined) return bad;
  if (v.length > fqdnMaxLength - 2)
    return `'${v}' contains ${v.length} characters. Adding a sub-domain will cause it to exceed the maximum length of a FQDN of '${fqdnMaxLength}'`;
  return undefined;
}

/**
 * validate_dns_name against the internal domain: a PQDN must fit once the domain is added;
 * an FQDN must end in the domain with at least one label of its own.
 */
export function isDnsName(domain: string): (v: unknown) => string | undefined {
  return (v) => {
    if (typeof v !== 'string') return `'${pyStr(v)}' is not a valid string`;
    const bad = dnsFormat(v);
    if (bad !== undefined || v === '') return bad;
    // Neutron checks the name against the domain only when one other than its default is set.
    if (domain === '' || domain === defaultDnsDomain) return undefined;
    const higher = domain === '' ? '' : `.${domain}`;
    if (!v.endsWith('.')) {
      if (v.length + higher.length <= fqdnMaxLength) return undefined;
      return `The dns_name passed is a PQDN and its size is '${v.length}'. The dns_domain option in neutron.conf is set to ${domain}, with a length of '${higher.length}'. When the two are concatenated to form a FQDN (with a '.' at the end), the resulting length exceeds the maximum size of '${fqdnMaxLength}'`;
    }
    if (v.length > higher.length && v.endsWith(higher)) return undefined;
    return `The dns_name passed is a FQDN. Its higher level labels must be equal to the dns_domain option in neutron.conf, that has been set to '${domain}'. It must also include one or more valid DNS labels to the left of '${domain}'`;
  };
}

/** validate_fip_dns_name: a relative name with room for a domain. */
export function isFipDnsName(v: unknown): string | undefined {
  if (typeof v !== 'string') return `'${pyStr(v)}' is not a valid string`;
  if (v === '') return undefined;
  if (v.endsWith('.')) return `'${v}' is a FQDN. It should be a relative domain name`;
  const bad = dnsFormat(v);
  if (bad !== undefined) return bad;
  if (v.length > fqdnMaxLength - 3)
    return `'${v}' contains ${v.length} characters. Adding a domain name will cause it to exceed the maximum length of a FQDN of '${fqdnMaxLength}'`;
  return undefined;
}

/** A port body's `dns_name` checked against the cloud's domain (InvalidInput as neutron-lib's). */
export function checkDnsName(body: Record<string, unknown>, domain: string): void {
  if (body['dns_name'] === undefined) return;
  const reason = isDnsName(domain)(body['dns_name']);
  if (reason !== undefined) throw httpBadRequest(`Invalid input for dns_name. Reason: ${reason}.`);
}

/** A domain with its trailing dot ('' stays ''), as Neutron's `_get_dns_domain`. */
export function absoluteDomain(domain: string): string {
  return domain === '' || domain.endsWith('.') ? domain : `${domain}.`;
}

export interface DnsAssignment {
  readonly hostname: string;
  readonly ip_address: string;
  readonly fqdn: string;
}

/**
 * A port's `dns_assignment`: per fixed IP its host name (`dns_name`, else `host-<address>`)
 * and FQDN in `domain` (the network's `dns_domain`, else the cloud's). Pure.
 */
export function dnsAssignment(
  dnsName: string,
  domain: string,
  ips: ReadonlyArray<{ readonly ip_address: string }>,
): DnsAssignment[] {
  return ips.map(({ ip_address }) => {
    if (dnsName !== '') {
      const fqdn = dnsName.endsWith('.') || domain === '' ? dnsName : `${dnsName}.${domain}`;
      return { hostname: dnsName, ip_address, fqdn };
    }
    const hostname = `host-${ip_address.replace(/[.:]/g, '-')}`;
    return { hostname, ip_address, fqdn: domain === '' ? hostname : `${hostname}.${domain}` };
  });
}

/**
 * The domain ports' names are in, per network: its `dns_domain`, else the cloud's (`fallback`).
 * One query for a page of ports.
 */
export async function portDomains(
  db: Db,
  networkIds: ReadonlyArray<string>,
  fallback: string,
): Promise<Map<string, string>> {
  const ids = [...new Set(networkIds)];
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('networks').select(['id', 'dns_domain']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.dns_domain === '' ? fallback : r.dns_domain]));
}
