import { describe, expect, it } from 'vitest';
import type { NetworkCaller } from '../network-context.js';
import { attributeFilter } from '../network-context.js';
import { pickFields } from '../network-list.js';
import { portAttributeNames, portJsonWriter } from './port-json.js';
import type { AllocationRow, PortRow } from './port-store.js';
import { portView } from './port-view.js';

const base: PortRow = {
  id: 'p1',
  network_id: 'n1',
  project_id: 'proj-a',
  name: 'web "front"\\ \u00e9\u4e2d\n',
  description: '',
  mac_address: 'fa:16:3e:00:00:01',
  admin_state_up: 1,
  status: 'ACTIVE',
  device_id: 'dev',
  device_owner: 'compute:nova',
  binding_host_id: 'host-1',
  binding_vnic_type: 'normal',
  binding_vif_type: 'ovs',
  binding_vif_details: '{"port_filter":true,"mtu":1450}',
  binding_profile: '',
  port_security_enabled: 0,
  allowed_address_pairs: '[{"ip_address":"10.0.0.9","mac_address":"fa:16:3e:00:00:09"}]',
  extra_dhcp_opts: '[]',
  security_groups: '["sg-1","sg-2"]',
  dns_name: '',
  tags: '["red","blue"]',
  revision_number: 7,
  created_at: '2026-12-07T06:11:24.123Z',
  updated_at: '2026-12-07T06:12:00.000Z',
};
const rows: PortRow[] = [
  base,
  { ...base, id: 'p2', project_id: 'proj-b', admin_state_up: 0, port_security_enabled: 1, tags: '' },
  { ...base, id: 'p3', binding_vif_details: '{}', allowed_address_pairs: '', security_groups: '[]' },
  { ...base, id: 'p4', network_id: 'n2', dns_name: 'web-1' },
];
const domains = new Map([
  ['n1', 'openstacklocal.'],
  ['n2', 'example.org.'],
]);
const ips: AllocationRow[] = [
  { subnet_id: 's1', ip_address: '10.0.0.5', port_id: 'p1', network_id: 'n1' },
  { subnet_id: 's2', ip_address: 'fd00::5', port_id: 'p1', network_id: 'n1' },
];

const caller = (admin: boolean): NetworkCaller => ({
  projectId: 'proj-a',
  isAdmin: admin,
  can: (rule) => admin || !rule.startsWith('get_port:binding:'),
});

/** What the object path renders: the view, the policy filter, then `fields`. */
function expected(c: NetworkCaller, row: PortRow, a: AllocationRow[], fields: string[]) {
  const view = attributeFilter(c, 'port')(portView(row, a, domains.get(row.network_id)!), {
    project_id: row.project_id,
  });
  return pickFields(view, fields);
}

describe('ports as JSON text', () => {
  for (const admin of [true, false])
    for (const fields of [[], ['id', 'binding:host_id', 'fixed_ips'], ['tags', 'name', 'unknown'], ['nope']])
      it(`matches the rendered view attribute for attribute (admin ${admin}, fields ${fields.join(',')})`, () => {
        const write = portJsonWriter(caller(admin), fields, domains);
        for (const row of rows)
          for (const a of [ips, []]) {
            const parsed = JSON.parse(write(row, a)) as Record<string, unknown>;
            const want = expected(caller(admin), row, a, fields);
            expect(parsed).toStrictEqual(want);
            expect(Object.keys(parsed)).toEqual(Object.keys(want));
          }
      });

  it('hides binding attributes from members and shows them to admins', () => {
    const member = JSON.parse(portJsonWriter(caller(false), [], domains)(base, ips)) as Record<
      string,
      unknown
    >;
    expect(member).not.toHaveProperty('binding:host_id');
    expect(member).toHaveProperty('binding:vnic_type', 'normal');
    const admin = JSON.parse(portJsonWriter(caller(true), [], domains)(base, ips)) as Record<string, unknown>;
    expect(admin).toMatchObject({
      'binding:host_id': 'host-1',
      'binding:vif_details': { port_filter: true, mtu: 1450 },
    });
  });
});

describe('the attribute names policy checks ask about', () => {
  it('are the rendered view attributes, in order', () => {
    expect(portAttributeNames).toEqual(Object.keys(portView(base, ips, 'openstacklocal.')));
  });
});
