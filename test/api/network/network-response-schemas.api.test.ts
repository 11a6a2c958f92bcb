import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { addressScopeResource } from '../../../src/network/address-scopes/address-scope-response-schemas.js';
import { availabilityZoneResource } from '../../../src/network/availability-zones/availability-zone-response-schemas.js';
import { resourceListResponse } from '../../../src/network/discovery/discovery-response-schemas.js';
import { networkResource } from '../../../src/network/networks/network-response-schemas.js';
import { portListResponse, portResource } from '../../../src/network/ports/port-response-schemas.js';
import { subnetResource } from '../../../src/network/subnets/subnet-response-schemas.js';
import { subnetPoolResource } from '../../../src/network/subnetpools/subnetpool-response-schemas.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from '../image/image-fixtures.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

type Json = Record<string, unknown>;

/** The mismatches of a body against a schema (empty when it fits). */
function mismatches(schema: TSchema, body: unknown): string[] {
  return [...Compile(schema).Errors(body)].map((e) => `${e.instancePath} ${e.message}`);
}

/**
 * Routes check `fields=`-tolerant schemas (the checker cannot see the query); these tests
 * fetch without `fields=` and hold every body to the full resource: always-shown
 * attributes present, policy-hidden ones only for the callers allowed them.
 */
for (const dialect of testDialects()) {
  describe(`${dialect}: network response schemas`, () => {
    let t: TestCloud;
    let admin: string;
    let alice: ProjectUser;
    let api: ReturnType<typeof networkClient>;
    let network: Json;
    let subnet: Json;
    let port: Json;
    const get = async (token: string, url: string) => {
      const res = await api.call('GET', url, token);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as Json;
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      api = networkClient(t);
      alice = await projectUser(t, admin, 'alice');
      network = await api.create(alice.token, 'network', { name: 'schema-net' });
      subnet = await api.create(alice.token, 'subnet', {
        network_id: network['id'],
        ip_version: 4,
        cidr: '10.9.0.0/24',
        host_routes: [{ destination: '10.10.0.0/24', nexthop: '10.9.0.9' }],
        dns_nameservers: ['10.9.0.2'],
      });
      port = await api.create(alice.token, 'port', {
        network_id: network['id'],
        name: 'schema-port',
        dns_name: 'schema-host',
        allowed_address_pairs: [{ ip_address: '10.9.0.200' }],
        extra_dhcp_opts: [{ opt_name: 'bootfile-name', opt_value: 'pxelinux.0' }],
      });
    });
    afterAll(async () => t?.close());

    it('lists the core collections, subnet pools among them, as Neutron’s API root does', async () => {
      const root = await get(alice.token, '/');
      expect(mismatches(resourceListResponse, root)).toEqual([]);
      expect((root['resources'] as Json[]).map((r) => r['collection'])).toEqual([
        'networks',
        'subnets',
        'subnetpools',
        'ports',
      ]);
    });

    it('shows a network in full, provider attributes to admins only', async () => {
      const mine = (await get(alice.token, `/networks/${String(network['id'])}`))['network'] as Json;
      expect(mismatches(networkResource.full, mine)).toEqual([]);
      expect(Object.keys(mine).filter((k) => k.startsWith('provider:'))).toEqual([]);
      const seen = (await get(admin, `/networks/${String(network['id'])}`))['network'] as Json;
      expect(mismatches(networkResource.full, seen)).toEqual([]);
      expect(seen).toHaveProperty(['provider:network_type']);
      for (const n of (await get(admin, '/networks'))['networks'] as Json[])
        expect(mismatches(networkResource.full, n)).toEqual([]);
    });

    it('shows a subnet without segment_id: the segment extension is not advertised', async () => {
      const shown = (await get(alice.token, `/subnets/${String(subnet['id'])}`))['subnet'] as Json;
      expect(mismatches(subnetResource.full, shown)).toEqual([]);
      expect(shown).not.toHaveProperty('segment_id');
      expect(subnet).not.toHaveProperty('segment_id');
    });

    it('shows subnet pools and address scopes in full', async () => {
      const scope = await api.call('POST', '/address-scopes', alice.token, {
        address_scope: { name: 'schema-scope', ip_version: 4 },
      });
      expect(scope.statusCode, scope.body).toBe(201);
      const scopeId = String(scope.json().address_scope.id);
      const pool = await api.call('POST', '/subnetpools', alice.token, {
        subnetpool: { name: 'schema-pool', prefixes: ['10.60.0.0/16'], address_scope_id: scopeId },
      });
      expect(pool.statusCode, pool.body).toBe(201);
      const shownPool = (await get(alice.token, `/subnetpools/${String(pool.json().subnetpool.id)}`))[
        'subnetpool'
      ];
      expect(mismatches(subnetPoolResource.full, shownPool)).toEqual([]);
      const shownScope = (await get(alice.token, `/address-scopes/${scopeId}`))['address_scope'];
      expect(mismatches(addressScopeResource.full, shownScope)).toEqual([]);
    });

    it('shows a port in full, binding attributes to admins only', async () => {
      expect(mismatches(portResource.full, port)).toEqual([]);
      const mine = (await get(alice.token, `/ports/${String(port['id'])}`))['port'] as Json;
      expect(mismatches(portResource.full, mine)).toEqual([]);
      expect(Object.keys(mine).filter((k) => k.startsWith('binding:'))).toEqual(['binding:vnic_type']);
      const seen = (await get(admin, `/ports/${String(port['id'])}`))['port'] as Json;
      expect(mismatches(portResource.full, seen)).toEqual([]);
      expect(seen).toHaveProperty(['binding:vif_details']);
    });

    it('stores address pairs with the port MAC and DHCP options with their IP version, as Neutron', async () => {
      expect(port['allowed_address_pairs']).toEqual([
        { ip_address: '10.9.0.200', mac_address: port['mac_address'] },
      ]);
      expect(port['extra_dhcp_opts']).toEqual([
        { opt_name: 'bootfile-name', opt_value: 'pxelinux.0', ip_version: 4 },
      ]);
      const created = await api.create(alice.token, 'port', {
        network_id: network['id'],
        allowed_address_pairs: [{ ip_address: '10.9.0.0/28', mac_address: 'FA-16-3E-00-00-01' }],
        // A missing value is not stored; router may be blank.
        extra_dhcp_opts: [
          { opt_name: 'tftp-server', opt_value: null },
          { opt_name: 'router', opt_value: '' },
        ],
      });
      expect(created['allowed_address_pairs']).toEqual([
        { ip_address: '10.9.0.0/28', mac_address: 'fa:16:3e:00:00:01' },
      ]);
      expect(created['extra_dhcp_opts']).toEqual([{ opt_name: 'router', opt_value: '', ip_version: 4 }]);
      const update = (opts: Json[]) =>
        api.call('PUT', `/ports/${String(created['id'])}`, alice.token, { port: { extra_dhcp_opts: opts } });
      // An update merges by name and IP version; null removes; an empty list keeps all.
      const merged = await update([
        { opt_name: 'router', opt_value: null },
        { opt_name: 'dns-server', opt_value: '2001:db8::1', ip_version: 6 },
        { opt_name: 'tftp-server', opt_value: '10.9.0.3' },
      ]);
      expect(merged.statusCode, merged.body).toBe(200);
      const mergedOpts = [
        { opt_name: 'dns-server', opt_value: '2001:db8::1', ip_version: 6 },
        { opt_name: 'tftp-server', opt_value: '10.9.0.3', ip_version: 4 },
      ];
      expect(merged.json().port.extra_dhcp_opts).toEqual(mergedOpts);
      expect((await update([])).json().port.extra_dhcp_opts).toEqual(mergedOpts);
      const changed = (await update([{ opt_name: 'tftp-server', opt_value: '10.9.0.4' }])).json().port;
      expect(changed.extra_dhcp_opts[1]).toEqual({
        opt_name: 'tftp-server',
        opt_value: '10.9.0.4',
        ip_version: 4,
      });
    });

    it('lists ports (rendered as JSON text, which the route check skips) in full', async () => {
      for (const token of [alice.token, admin]) {
        const list = await get(token, '/ports');
        expect(mismatches(portListResponse, list)).toEqual([]);
        expect((list['ports'] as Json[]).length).toBeGreaterThan(0);
        for (const p of list['ports'] as Json[]) expect(mismatches(portResource.full, p)).toEqual([]);
      }
      const picked = await get(alice.token, '/ports?fields=id&fields=name');
      expect(mismatches(portListResponse, picked)).toEqual([]);
      expect(Object.keys((picked['ports'] as Json[])[0]!).sort()).toEqual(['id', 'name']);
    });

    it('answers a fields= selection with just those attributes', async () => {
      const picked = (await get(alice.token, `/networks/${String(network['id'])}?fields=name`))['network'];
      expect(picked).toEqual({ name: 'schema-net' });
      // Neutron's default policy lists network zones to admins only.
      const zones = (await get(admin, '/availability_zones'))['availability_zones'] as Json[];
      for (const z of zones) expect(mismatches(availabilityZoneResource.full, z)).toEqual([]);
    });

    it('refuses a stray or missing attribute (the schemas can fail)', () => {
      expect(mismatches(portResource.full, { ...port, qos_policy_id: null })).not.toEqual([]);
      const { status: _status, ...statusless } = port;
      expect(mismatches(portResource.full, statusless)).not.toEqual([]);
      expect(mismatches(portResource.selected, statusless)).toEqual([]);
    });
  });
}
