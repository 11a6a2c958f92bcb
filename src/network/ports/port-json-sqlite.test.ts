import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StrataDb } from '../../db/database.js';
import { openDatabase } from '../../db/database.js';
import type { TestDatabase } from '../../db/testing/dialects.js';
import { createTestDatabase } from '../../db/testing/dialects.js';
import { portDomains } from '../dns/dns-names.js';
import type { NetworkCaller } from '../network-context.js';
import { hiddenAttributes } from '../network-context.js';
import { portAttributeNames, portJsonWriter } from './port-json.js';
import { sqlitePortJson } from './port-json-sqlite.js';
import type { AllocationRow, PortRow } from './port-store.js';

/**
 * SQLite's rendering of a port must be the very bytes the Node path writes for it
 * (port-json.ts), for every choice of `fields` and hidden attributes: text that needs
 * escaping, stored JSON columns left empty or filled, addresses given out of order, and
 * each way dns_assignment names a host.
 */
const at = '2026-01-01T00:00:00.123Z';
const cloudDomain = 'openstacklocal.';

const network = (id: string, dnsDomain: string) => ({
  id,
  project_id: 'owner',
  name: 'n',
  description: '',
  admin_state_up: 1 as const,
  shared: 0 as const,
  external: 0 as const,
  mtu: 1500,
  port_security_enabled: 1 as const,
  network_type: 'vxlan',
  physical_network: '',
  segmentation_id: null,
  availability_zone_hints: '[]',
  dns_domain: dnsDomain,
  tags: '[]',
  revision_number: 1,
  created_at: at,
  updated_at: at,
});

const base: PortRow = {
  id: 'p1',
  network_id: 'n1',
  project_id: 'proj-a',
  name: 'web "front"\\ \u00e9\u4e2d\n\t\u0001\u007f\u2028',
  description: 'a/b',
  mac_address: 'fa:16:3e:00:00:01',
  admin_state_up: 1,
  status: 'ACTIVE',
  device_id: 'dev',
  device_owner: 'compute:nova',
  binding_host_id: 'host-1',
  binding_vnic_type: 'normal',
  binding_vif_type: 'ovs',
  binding_vif_details: JSON.stringify({ port_filter: true, mtu: 1450, note: 'q"\u00e9' }),
  binding_profile: '',
  port_security_enabled: 0,
  allowed_address_pairs: JSON.stringify([{ ip_address: '10.0.0.9', mac_address: 'fa:16:3e:00:00:09' }]),
  extra_dhcp_opts: JSON.stringify([{ opt_name: 'mtu', opt_value: null, ip_version: 4 }]),
  security_groups: '["sg-1","sg-2"]',
  dns_name: '',
  tags: JSON.stringify(['red', 'bl\u00fce "x"']),
  revision_number: 7,
  created_at: at,
  updated_at: '2026-01-01T00:00:01Z',
};
const rows: PortRow[] = [
  base,
  {
    ...base,
    id: 'p2',
    project_id: 'proj-b',
    admin_state_up: 0 as const,
    port_security_enabled: 1 as const,
    tags: '',
  },
  { ...base, id: 'p3', binding_vif_details: '{}', allowed_address_pairs: '', security_groups: '[]' },
  { ...base, id: 'p4', network_id: 'n2', dns_name: 'web-1' },
  { ...base, id: 'p5', network_id: 'n2', dns_name: 'web-1.example.org.', extra_dhcp_opts: '' },
].map((r, i) => ({ ...r, mac_address: `fa:16:3e:00:00:0${i}` }));
/** Given in this order (rowid), which is not the order of the addresses themselves. */
const allocations: AllocationRow[] = [
  { subnet_id: 's2', ip_address: 'fd00::5', port_id: 'p1', network_id: 'n1' },
  { subnet_id: 's1', ip_address: '10.0.0.5', port_id: 'p1', network_id: 'n1' },
  { subnet_id: 's1', ip_address: '10.0.0.6', port_id: 'p4', network_id: 'n2' },
  { subnet_id: 's1', ip_address: '10.0.0.7', port_id: 'p5', network_id: 'n2' },
  { subnet_id: 's2', ip_address: 'fd00::7', port_id: 'p5', network_id: 'n2' },
];

const caller = (admin: boolean): NetworkCaller => ({
  projectId: 'proj-a',
  isAdmin: admin,
  can: (rule) => admin || !rule.startsWith('get_port:binding:'),
});

describe('ports as JSON rendered by SQLite', () => {
  let test: TestDatabase;
  let store: StrataDb;
  beforeAll(async () => {
    test = await createTestDatabase('sqlite');
    store = await openDatabase(test.url);
    // Only the rendering is under test: no subnets behind the addresses.
    await sql`PRAGMA foreign_keys = OFF`.execute(store.db);
    await store.db
      .insertInto('networks')
      .values([network('n1', ''), network('n2', 'example.org.')])
      .execute();
    await store.db.insertInto('ports').values(rows).execute();
    await store.db.insertInto('network_ip_allocations').values(allocations).execute();
  });
  afterAll(async () => {
    await store?.close();
    await test?.drop();
  });

  const fieldChoices = [
    [],
    ['id', 'binding:host_id', 'fixed_ips'],
    ['dns_assignment', 'name'],
    ['fixed_ips', 'dns_assignment', 'tags'],
    ['tags', 'name', 'unknown'],
    ['nope'],
  ];
  for (const admin of [true, false])
    for (const fields of fieldChoices)
      it(`writes the bytes port-json.ts writes (admin ${admin}, fields ${fields.join(',')})`, async () => {
        const c = caller(admin);
        const hidden = new Set(hiddenAttributes(c, 'port', portAttributeNames, { project_id: 'proj-a' }));
        const render = sqlitePortJson(fields, hidden, cloudDomain);
        const got = await sql<{
          id: string;
          json: Buffer;
        }>`SELECT ports.id AS id, CAST(${render} AS BLOB) AS json
          FROM ports ORDER BY ports.id`.execute(store.db);
        const domains = await portDomains(store.db, ['n1', 'n2'], cloudDomain);
        const write = portJsonWriter(c, fields, domains);
        expect(got.rows.map((r) => r.id)).toEqual(rows.map((r) => r.id));
        for (const [i, row] of rows.entries()) {
          const want = write(
            row,
            allocations.filter((a) => a.port_id === row.id),
          );
          expect(got.rows[i]!.json.toString('utf8'), row.id).toBe(want);
        }
      });
});
