import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';

/**
 * The port view as SQLite renders it, for long lists on SQLite: the database writes each
 * port's JSON in C, so Node only joins the bytes. The same attributes, order and values as
 * `portView` (port-list-paging.api.test.ts compares the two paths on every query it asks,
 * port-json-sqlite.test.ts the bytes); `fixed_ips` in the order the addresses were given.
 *
 * The object is concatenated text, not `json_object`: the list-valued columns already hold
 * minified JSON (every writer stores `JSON.stringify` output), so they go in as they are
 * instead of being parsed by `json()` and written again for every port, which was most of
 * the cost of a 10,000-port list (docs/benchmarks.md). Scalars are quoted by `json_quote`,
 * the same escaping `json_object` applies.
 */
const quoted = (column: string) => `json_quote(ports.${column})`;
const bool = (column: string) => `CASE WHEN ports.${column} = 1 THEN 'true' ELSE 'false' END`;
const jsonText = (column: string, empty: '[]' | '{}') =>
  `CASE WHEN ports.${column} = '' THEN '${empty}' ELSE ports.${column} END`;
/** `secondsTime`: drops the milliseconds of an ISO time ending in `.sssZ`. */
const seconds = (column: string) =>
  `json_quote(CASE WHEN ports.${column} GLOB '*.[0-9][0-9][0-9]Z' ` +
  `THEN substr(ports.${column}, 1, length(ports.${column}) - 5) || 'Z' ELSE ports.${column} END)`;

/**
 * The port's addresses in the order they were given, each with its `dns_assignment` host
 * name and the domain of its FQDN (dns-names.ts's dnsAssignment: `dns_name` or
 * `host-<address>`; the network's domain, else the cloud's, bound as the one parameter `?`).
 */
const hostName = `CASE WHEN ports.dns_name <> '' THEN ports.dns_name ELSE 'host-' || replace(replace(ip_address, '.', '-'), ':', '-') END`;
const addresses = (withDns: boolean) =>
  `FROM (SELECT subnet_id, ip_address` +
  (withDns
    ? `, ${hostName} AS host, coalesce(nullif((SELECT networks.dns_domain FROM networks ` +
      `WHERE networks.id = ports.network_id), ''), ?) AS dom`
    : '') +
  ` FROM network_ip_allocations WHERE network_ip_allocations.port_id = ports.id ORDER BY rowid) AS a`;
const fixedIps = `json_group_array(json_object('subnet_id', a.subnet_id, 'ip_address', a.ip_address))`;
const fqdn =
  `CASE WHEN a.dom = '' OR (ports.dns_name <> '' AND ports.dns_name GLOB '*.') THEN a.host ` +
  `ELSE a.host || '.' || a.dom END`;
const dnsAssignment = `json_group_array(json_object('hostname', a.host, 'ip_address', a.ip_address, 'fqdn', ${fqdn}))`;

/** In `portView`'s order; each expression is the attribute's JSON text (never NULL). */
const attributes: ReadonlyArray<readonly [string, string]> = [
  ['id', quoted('id')],
  ['name', quoted('name')],
  ['network_id', quoted('network_id')],
  ['tenant_id', quoted('project_id')],
  ['project_id', quoted('project_id')],
  ['mac_address', quoted('mac_address')],
  ['admin_state_up', bool('admin_state_up')],
  ['status', quoted('status')],
  ['device_id', quoted('device_id')],
  ['device_owner', quoted('device_owner')],
  ['fixed_ips', fixedIps],
  ['allowed_address_pairs', jsonText('allowed_address_pairs', '[]')],
  ['extra_dhcp_opts', jsonText('extra_dhcp_opts', '[]')],
  ['security_groups', jsonText('security_groups', '[]')],
  ['port_security_enabled', bool('port_security_enabled')],
  ['dns_name', quoted('dns_name')],
  ['dns_assignment', dnsAssignment],
  ['binding:vnic_type', quoted('binding_vnic_type')],
  ['description', quoted('description')],
  ['tags', jsonText('tags', '[]')],
  ['created_at', seconds('created_at')],
  ['updated_at', seconds('updated_at')],
  ['revision_number', quoted('revision_number')],
  ['binding:host_id', quoted('binding_host_id')],
  ['binding:vif_type', quoted('binding_vif_type')],
  ['binding:vif_details', jsonText('binding_vif_details', '{}')],
  ['binding:profile', jsonText('binding_profile', '{}')],
];

/** Attributes aggregated over the port's addresses (the `a` of `addresses`). */
const perAddress = new Set(['fixed_ips', 'dns_assignment']);

/**
 * The JSON object of the attributes `fields` asks for (all when empty) minus `hidden`, as
 * one `concat` of keys and values (one copy of the text, where `||` would copy it at every
 * step). The attributes from `fixed_ips` to `dns_assignment` come from one subquery over
 * the port's addresses, not one each. Only constant SQL is spliced in: keys and expressions
 * come from the table above, and no key needs escaping.
 */
export function sqlitePortJson(
  fields: ReadonlyArray<string>,
  hidden: ReadonlySet<string>,
  dnsDomain: string,
): RawBuilder<string> {
  const chosen = attributes.filter(([k]) => (fields.length === 0 || fields.includes(k)) && !hidden.has(k));
  if (chosen.length === 0) return sql<string>`'{}'`;
  const pieces = chosen.map(([k, expr], i) => `'${i === 0 ? '{' : ','}"${k}":', ${expr}`);
  const first = chosen.findIndex(([k]) => perAddress.has(k));
  const last = chosen.findLastIndex(([k]) => perAddress.has(k));
  if (first >= 0) {
    const withDns = chosen.some(([k]) => k === 'dns_assignment');
    const segment = `(SELECT concat(${pieces.slice(first, last + 1).join(', ')}) ${addresses(withDns)})`;
    pieces.splice(first, last + 1 - first, segment);
  }
  // The only parameter is the cloud's domain, once for dns_assignment when it is asked for.
  const [before, after] = `concat(${pieces.join(', ')}, '}')`.split('?') as [string, string?];
  return after === undefined
    ? sql<string>`${sql.raw(before)}`
    : sql<string>`${sql.raw(before)}${dnsDomain}${sql.raw(after)}`;
}
