import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDialects } from '../testing/dialects.js';
import { useTestStore } from '../testing/test-store.js';

const at = '2026-01-01T00:00:00.000Z';
const netId = '11111111-1111-4111-8111-111111111111';

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

const port = (n: number, projectId: string) => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  network_id: netId,
  project_id: projectId,
  name: '',
  description: '',
  mac_address: `fa:16:3e:00:00:${n.toString(16).padStart(2, '0')}`,
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
  allowed_address_pairs: '[]',
  extra_dhcp_opts: '[]',
  security_groups: '[]',
  tags: '[]',
  revision_number: 1,
  created_at: at,
  updated_at: at,
});

for (const dialect of testDialects()) {
  describe(`${dialect}: 0024-network-port-usage`, () => {
    const store = useTestStore(dialect);

    const usage = async () =>
      Object.fromEntries(
        (await store().db.selectFrom('network_port_usage').select(['project_id', 'ports']).execute()).map(
          (r) => [r.project_id, Number(r.ports)],
        ),
      );
    const counted = async () =>
      Object.fromEntries(
        (
          await store()
            .db.selectFrom('ports')
            .select(['project_id', (eb) => eb.fn.countAll().as('n')])
            .groupBy('project_id')
            .execute()
        ).map((r) => [r.project_id, Number(r.n)]),
      );

    it('keeps each project port count equal to a count over ports through inserts, moves and deletes', async () => {
      const db = store().db;
      await db.insertInto('networks').values(network).execute();
      await db
        .insertInto('ports')
        .values([port(1, 'a'), port(2, 'a'), port(3, 'b'), port(4, '')])
        .execute();
      expect(await usage()).toEqual({ a: 2, b: 1, '': 1 });
      await db.updateTable('ports').set({ project_id: 'b' }).where('id', '=', port(1, 'a').id).execute();
      await db.updateTable('ports').set({ name: 'renamed' }).where('project_id', '=', 'b').execute();
      expect(await usage()).toEqual({ a: 1, b: 2, '': 1 });
      await db.deleteFrom('ports').where('project_id', '=', 'b').execute();
      expect(await usage()).toEqual({ a: 1, b: 0, '': 1 });
      const kept = Object.fromEntries(Object.entries(await usage()).filter(([, n]) => n > 0));
      expect(kept).toEqual(await counted());
    });

    it('indexes addresses by network', async () => {
      const q =
        dialect === 'postgres'
          ? sql<{
              name: string;
            }>`SELECT indexname AS name FROM pg_indexes WHERE indexname = 'network_ip_allocations_network'`
          : sql<{
              name: string;
            }>`SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'network_ip_allocations_network'`;
      expect((await q.execute(store().db)).rows).toEqual([{ name: 'network_ip_allocations_network' }]);
    });
  });
}
