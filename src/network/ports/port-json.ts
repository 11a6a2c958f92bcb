import { secondsTime } from '../../common/time.js';
import type { NetworkCaller } from '../network-context.js';
import { hiddenAttributes } from '../network-context.js';
import type { AllocationRow, PortRow } from './port-store.js';

/**
 * Ports rendered straight to JSON text for long lists: the same attributes, in the same
 * order and with the same values as `portView` after the policy filter and `fields`
 * (port-json.test.ts compares the two), without building and then stringifying ten
 * thousand objects. JSON columns are written as they are stored (JSON text already).
 */
type Writer = (row: PortRow, ips: ReadonlyArray<AllocationRow>) => string;

const str = JSON.stringify;
const raw = (text: string | null, fallback: string) => (text === null || text === '' ? fallback : text);
const flag = (f: number) => (f === 1 ? 'true' : 'false');

function fixedIps(ips: ReadonlyArray<AllocationRow>): string {
  let out = '[';
  for (let i = 0; i < ips.length; i++) {
    const a = ips[i]!;
    out += `${i > 0 ? ',' : ''}{"subnet_id":${str(a.subnet_id)},"ip_address":${str(a.ip_address)}}`;
  }
  return `${out}]`;
}

/** In `portView`'s order. */
const attributes: ReadonlyArray<readonly [string, Writer]> = [
  ['id', (r) => str(r.id)],
  ['name', (r) => str(r.name)],
  ['network_id', (r) => str(r.network_id)],
  ['tenant_id', (r) => str(r.project_id)],
  ['project_id', (r) => str(r.project_id)],
  ['mac_address', (r) => str(r.mac_address)],
  ['admin_state_up', (r) => flag(r.admin_state_up)],
  ['status', (r) => str(r.status)],
  ['device_id', (r) => str(r.device_id)],
  ['device_owner', (r) => str(r.device_owner)],
  ['fixed_ips', (_r, ips) => fixedIps(ips)],
  ['allowed_address_pairs', (r) => raw(r.allowed_address_pairs, '[]')],
  ['extra_dhcp_opts', (r) => raw(r.extra_dhcp_opts, '[]')],
  ['security_groups', (r) => raw(r.security_groups, '[]')],
  ['port_security_enabled', (r) => flag(r.port_security_enabled)],
  ['binding:host_id', (r) => str(r.binding_host_id)],
  ['binding:vif_type', (r) => str(r.binding_vif_type)],
  ['binding:vif_details', (r) => raw(r.binding_vif_details, '{}')],
  ['binding:vnic_type', (r) => str(r.binding_vnic_type)],
  ['binding:profile', (r) => raw(r.binding_profile, '{}')],
  ['description', (r) => str(r.description)],
  ['tags', (r) => raw(r.tags, '[]')],
  ['created_at', (r) => str(secondsTime(r.created_at))],
  ['updated_at', (r) => str(secondsTime(r.updated_at))],
  ['revision_number', (r) => String(r.revision_number)],
];

export const portAttributeNames = attributes.map(([k]) => k);

/**
 * A renderer for one caller and one `fields` list. The attributes the caller may not read
 * are decided once per owning project, as `attributeFilter` does.
 */
export function portJsonWriter(caller: NetworkCaller, fields: ReadonlyArray<string>) {
  const asked = attributes.filter(([k]) => fields.length === 0 || fields.includes(k));
  const perProject = new Map<string, ReadonlyArray<readonly [string, Writer]>>();
  const writersFor = (projectId: string) => {
    let w = perProject.get(projectId);
    if (w === undefined) {
      const hidden = new Set(hiddenAttributes(caller, 'port', portAttributeNames, { project_id: projectId }));
      w = asked.filter(([k]) => !hidden.has(k)).map(([k, write]) => [`${str(k)}:`, write] as const);
      perProject.set(projectId, w);
    }
    return w;
  };
  return (row: PortRow, ips: ReadonlyArray<AllocationRow>): string => {
    const writers = writersFor(row.project_id);
    let out = '{';
    for (let i = 0; i < writers.length; i++) {
      const [key, write] = writers[i]!;
      out += (i > 0 ? ',' : '') + key + write(row, ips);
    }
    return `${out}}`;
  };
}
