import type { RawBuilder } from 'kysely';
import { sql } from 'kysely';

/**
 * The port view as SQLite renders it (`json_object`), for long lists on SQLite: the
 * database writes each port's JSON in C, so Node only joins the texts. The same
 * attributes, order and values as `portView` (port-list-paging.api.test.ts compares the
 * two paths on every query it asks); `fixed_ips` in the order the addresses were given.
 */
const bool = (column: string) => `json(CASE WHEN ports.${column} = 1 THEN 'true' ELSE 'false' END)`;
const jsonText = (column: string, empty: '[]' | '{}') =>
  `json(CASE WHEN ports.${column} = '' THEN '${empty}' ELSE ports.${column} END)`;
/** `secondsTime`: drops the milliseconds of an ISO time ending in `.sssZ`. */
const seconds = (column: string) =>
  `CASE WHEN ports.${column} GLOB '*.[0-9][0-9][0-9]Z' ` +
  `THEN substr(ports.${column}, 1, length(ports.${column}) - 5) || 'Z' ELSE ports.${column} END`;
const fixedIps =
  `(SELECT json_group_array(json_object('subnet_id', a.subnet_id, 'ip_address', a.ip_address)) ` +
  `FROM (SELECT subnet_id, ip_address FROM network_ip_allocations ` +
  `WHERE network_ip_allocations.port_id = ports.id ORDER BY rowid) AS a)`;

/**
 * `dns_assignment` (dns-names.ts's dnsAssignment): per address, `dns_name` or `host-<address>`,
 * and the FQDN in the network's domain; `?` is the cloud's domain, bound as a parameter.
 */
const host = `CASE WHEN ports.dns_name <> '' THEN ports.dns_name ELSE 'host-' || replace(replace(a.ip_address, '.', '-'), ':', '-') END`;
const fqdn =
  `CASE WHEN a.dom = '' OR (ports.dns_name <> '' AND ports.dns_name GLOB '*.') THEN ${host} ` +
  `ELSE ${host} || '.' || a.dom END`;
const dnsAssignment =
  `(SELECT json_group_array(json_object('hostname', ${host}, 'ip_address', a.ip_address, 'fqdn', ${fqdn})) ` +
  `FROM (SELECT ip_address, coalesce(nullif((SELECT networks.dns_domain FROM networks ` +
  `WHERE networks.id = ports.network_id), ''), ?) AS dom FROM network_ip_allocations ` +
  `WHERE network_ip_allocations.port_id = ports.id ORDER BY rowid) AS a)`;

/** In `portView`'s order. */
const attributes: ReadonlyArray<readonly [string, string]> = [
  ['id', 'ports.id'],
  ['name', 'ports.name'],
  ['network_id', 'ports.network_id'],
  ['tenant_id', 'ports.project_id'],
  ['project_id', 'ports.project_id'],
  ['mac_address', 'ports.mac_address'],
  ['admin_state_up', bool('admin_state_up')],
  ['status', 'ports.status'],
  ['device_id', 'ports.device_id'],
  ['device_owner', 'ports.device_owner'],
  ['fixed_ips', fixedIps],
  ['allowed_address_pairs', jsonText('allowed_address_pairs', '[]')],
  ['extra_dhcp_opts', jsonText('extra_dhcp_opts', '[]')],
  ['security_groups', jsonText('security_groups', '[]')],
  ['port_security_enabled', bool('port_security_enabled')],
  ['dns_name', 'ports.dns_name'],
  ['dns_assignment', dnsAssignment],
  ['binding:vnic_type', 'ports.binding_vnic_type'],
  ['description', 'ports.description'],
  ['tags', jsonText('tags', '[]')],
  ['created_at', seconds('created_at')],
  ['updated_at', seconds('updated_at')],
  ['revision_number', 'ports.revision_number'],
  ['binding:host_id', 'ports.binding_host_id'],
  ['binding:vif_type', 'ports.binding_vif_type'],
  ['binding:vif_details', jsonText('binding_vif_details', '{}')],
  ['binding:profile', jsonText('binding_profile', '{}')],
];

/**
 * `json_object(...)` of the attributes `fields` asks for (all when empty) minus `hidden`.
 * Only constant SQL is spliced in: keys and expressions come from the table above.
 */
export function sqlitePortJson(
  fields: ReadonlyArray<string>,
  hidden: ReadonlySet<string>,
  dnsDomain: string,
): RawBuilder<string> {
  const parts = attributes
    .filter(([k]) => (fields.length === 0 || fields.includes(k)) && !hidden.has(k))
    .map(([k, expr]) => `'${k}', ${expr}`);
  if (parts.length === 0) return sql<string>`'{}'`;
  // The only parameter is the cloud's domain, once for dns_assignment when it is asked for.
  const [before, after] = `json_object(${parts.join(', ')})`.split('?') as [string, string?];
  return after === undefined
    ? sql<string>`${sql.raw(before)}`
    : sql<string>`${sql.raw(before)}${dnsDomain}${sql.raw(after)}`;
}
