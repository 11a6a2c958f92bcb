import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDialects } from '../testing/dialects.js';
import { portExtraDefaultsMigration } from './0042-port-extra-defaults.js';
import { useTestStore } from '../testing/test-store.js';

const at = '2026-01-01T00:00:00.000Z';
const netId = '22222222-2222-4222-8222-222222222222';

const network = {
  id: netId,
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
  tags: '[]',
  revision_number: 1,
  created_at: at,
  updated_at: at,
};

/** A port row as stored before 0042, with its two JSON columns given. */
const port = (n: number, pairs: unknown[], options: unknown[]) => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  network_id: netId,
  project_id: 'owner',
  name: '',
  description: '',
  mac_address: `fa:16:3e:00:00:0${n}`,
  admin_state_up: 1 as const,
  status: 'DOWN',
  device_id: '',
  device_owner: '',
  binding_host_id: '',
  binding_vnic_type: 'normal',
  binding_vif_type: 'unbound',
  binding_vif_details: '{}',
  binding_profile: '{}',
  port_security_enabled: 1 as const,
  allowed_address_pairs: JSON.stringify(pairs),
  extra_dhcp_opts: JSON.stringify(options),
  security_groups: '[]',
  tags: '[]',
  revision_number: 1,
  created_at: at,
  updated_at: at,
});

for (const dialect of testDialects()) {
  describe(`${dialect}: 0042-port-extra-defaults`, () => {
    const store = useTestStore(dialect);

    it("gives old address pairs the port's MAC and old DHCP options IPv4, leaving complete rows alone", async () => {
      await store().db.insertInto('networks').values(network).execute();
      const old = port(
        1,
        [{ ip_address: '10.0.0.9' }, { ip_address: '10.0.0.10', mac_address: 'fa:16:3e:aa:bb:cc' }],
        [
          { opt_name: 'tftp-server', opt_value: '10.0.0.2' },
          { opt_name: 'dns-server', opt_value: 'fd00::2', ip_version: 6 },
        ],
      );
      const complete = port(
        2,
        [{ ip_address: '10.0.0.11', mac_address: 'fa:16:3e:00:00:02' }],
        [{ opt_name: 'mtu', opt_value: '1400', ip_version: 4 }],
      );
      const bare = port(3, [], []);
      await store().db.insertInto('ports').values([old, complete, bare]).execute();
      await portExtraDefaultsMigration.up(store().db as unknown as Kysely<unknown>);
      const rows = await store()
        .db.selectFrom('ports')
        .select(['id', 'allowed_address_pairs', 'extra_dhcp_opts', 'revision_number'])
        .orderBy('id')
        .execute();
      const parsed = rows.map((r) => ({
        pairs: JSON.parse(r.allowed_address_pairs) as unknown,
        options: JSON.parse(r.extra_dhcp_opts) as unknown,
      }));
      expect(parsed[0]).toEqual({
        pairs: [
          { ip_address: '10.0.0.9', mac_address: 'fa:16:3e:00:00:01' },
          { ip_address: '10.0.0.10', mac_address: 'fa:16:3e:aa:bb:cc' },
        ],
        options: [
          { opt_name: 'tftp-server', opt_value: '10.0.0.2', ip_version: 4 },
          { opt_name: 'dns-server', opt_value: 'fd00::2', ip_version: 6 },
        ],
      });
      expect(rows[1]!.allowed_address_pairs).toBe(complete.allowed_address_pairs);
      expect(rows[1]!.extra_dhcp_opts).toBe(complete.extra_dhcp_opts);
      expect(parsed[2]).toEqual({ pairs: [], options: [] });
      // A data fix, not an API update: revisions stay as they were.
      expect(rows.map((r) => r.revision_number)).toEqual([1, 1, 1]);
      // Running it again changes nothing.
      await portExtraDefaultsMigration.up(store().db as unknown as Kysely<unknown>);
      const again = await store()
        .db.selectFrom('ports')
        .select(['allowed_address_pairs'])
        .orderBy('id')
        .execute();
      expect(again.map((r) => r.allowed_address_pairs)).toEqual(rows.map((r) => r.allowed_address_pairs));
    });
  });
}
