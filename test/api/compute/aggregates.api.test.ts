import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import {
  bootServer,
  createFlavor,
  createImage,
  silentHost,
  waitForServer,
} from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { computeCaller, createPersonas, expectFault } from './compute-api-fixtures.js';

const shape = { vcpus: 4, memoryMb: 4096, diskGb: 40 };
const [hostA, hostB] = ['agg-0001', 'agg-0002'];
const viewKeys = [
  'availability_zone',
  'created_at',
  'deleted',
  'deleted_at',
  'hosts',
  'id',
  'metadata',
  'name',
  'updated_at',
];
const naive = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/;

interface Aggregate {
  id: number;
  name: string;
  availability_zone: string | null;
  hosts: string[];
  metadata: Record<string, string>;
  updated_at: string | null;
}

for (const dialect of testDialects()) {
  describe(`${dialect}: os-aggregates and host availability zones`, () => {
    let t: TestCloud;
    let p: Personas;
    let call: ReturnType<typeof computeCaller>;
    const create = async (aggregate: object) => {
      const res = await call('POST', '/os-aggregates', p.admin, { aggregate });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().aggregate as Aggregate;
    };
    const act = (id: number, body: object) => call('POST', `/os-aggregates/${id}/action`, p.admin, body);
    const ok = async (res: Awaited<ReturnType<typeof call>>) => {
      expect(res.statusCode, res.body).toBe(200);
      return res.json().aggregate as Aggregate;
    };
    const providerOf = async (host: string) =>
      (
        await t.cloud.store.db
          .selectFrom('compute_hosts')
          .select('provider_id')
          .where('hostname', '=', host)
          .executeTakeFirstOrThrow()
      ).provider_id;
    const placementAggregates = async (host: string) => {
      const res = await t.request({
        method: 'GET',
        url: `/placement/resource_providers/${await providerOf(host)}/aggregates`,
        token: p.admin,
        headers: { 'openstack-api-version': 'placement 1.19' },
      });
      expect(res.statusCode, res.body).toBe(200);
      // The volume backend's sharing aggregate (its provider's uuid) is not a Nova aggregate.
      const sharing = await t.request({
        method: 'GET',
        url: '/placement/resource_providers?required=MISC_SHARES_VIA_AGGREGATE',
        token: p.admin,
        headers: { 'openstack-api-version': 'placement 1.19' },
      });
      const shared = (sharing.json().resource_providers as Array<{ uuid: string }>).map((r) => r.uuid);
      return (res.json().aggregates as string[]).filter((a) => !shared.includes(a));
    };
    const aggregateUuid = async (id: number) =>
      (
        await t.cloud.store.db
          .selectFrom('aggregates')
          .select('uuid')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).uuid;
    const zoneOf = async (host: string) => {
      const res = await call('GET', `/os-services?host=${host}`, p.admin);
      return res.json().services[0].zone as string;
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      call = computeCaller(t);
      await t.cloud.compute.agents.addFakeHosts(2, shape, { prefix: 'agg' });
    });
    afterAll(async () => t?.close());

    it('creates an aggregate with exactly Nova’s fields, and lists and shows it with hosts and metadata', async () => {
      const res = await call('POST', '/os-aggregates', p.admin, {
        aggregate: { name: 'rack1', availability_zone: 'az1' },
      });
      expect(res.statusCode, res.body).toBe(200);
      const created = res.json().aggregate as Record<string, unknown>;
      expect(Object.keys(created).sort()).toEqual(viewKeys.filter((k) => k !== 'hosts' && k !== 'metadata'));
      expect(created).toMatchObject({
        name: 'rack1',
        availability_zone: 'az1',
        deleted: false,
        deleted_at: null,
      });
      expect(created['created_at']).toMatch(naive);
      expect(created['updated_at']).toBeNull();
      const shown = (await call('GET', `/os-aggregates/${String(created['id'])}`, p.admin)).json().aggregate;
      expect(Object.keys(shown).sort()).toEqual(viewKeys);
      expect(shown).toMatchObject({ hosts: [], metadata: { availability_zone: 'az1' } });
      const listed = (await call('GET', '/os-aggregates', p.admin)).json().aggregates as Aggregate[];
      expect(listed.map((a) => a.name)).toContain('rack1');
    });

    it('refuses bad input and non-admins with Nova’s faults, changing nothing', async () => {
      await create({ name: 'dup' });
      const before = (await call('GET', '/os-aggregates', p.admin)).json().aggregates.length;
      expectFault(
        await call('POST', '/os-aggregates', p.admin, { aggregate: { name: 'dup' } }),
        409,
        'Aggregate dup already exists.',
      );
      expectFault(
        await call('POST', '/os-aggregates', p.admin, { aggregate: { name: 'x', availability_zone: 'a:b' } }),
        400,
        "An invalid 'name' value was provided. The name must be: printable characters except :.Can not start or end with whitespace.",
      );
      expectFault(await call('POST', '/os-aggregates', p.admin, { aggregate: { name: ' x' } }), 400);
      expectFault(
        await call('POST', '/os-aggregates', p.admin, { aggregate: { name: 'x', hosts: [] } }),
        400,
      );
      expectFault(await call('POST', '/os-aggregates', p.member, { aggregate: { name: 'mine' } }), 403);
      expectFault(await call('GET', '/os-aggregates', p.member), 403);
      expectFault(
        await call('GET', '/os-aggregates/abc', p.admin),
        400,
        'Invalid input received: id must be an integer',
      );
      expectFault(
        await call('GET', '/os-aggregates/9999', p.admin),
        404,
        'Aggregate 9999 could not be found.',
      );
      expectFault(await call('PUT', '/os-aggregates/9999', p.admin, { aggregate: {} }), 400);
      expectFault(await act(9999, { evacuate: {} }), 400, 'There is no such action: evacuate');
      expect((await call('GET', '/os-aggregates', p.admin)).json().aggregates.length).toBe(before);
    });

    it('adds a host: the host takes the zone and its provider joins the placement aggregate', async () => {
      const a = await create({ name: 'zone-a', availability_zone: 'az-a' });
      expectFault(
        await act(a.id, { add_host: { host: 'nope' } }),
        404,
        'Compute host nope could not be found.',
      );
      expectFault(await act(9999, { add_host: { host: hostA } }), 404, 'Aggregate 9999 could not be found.');
      const added = await ok(await act(a.id, { add_host: { host: hostA } }));
      expect(added.hosts).toEqual([hostA]);
      expect(Object.keys(added).sort()).toEqual(viewKeys);
      expectFault(
        await act(a.id, { add_host: { host: hostA } }),
        409,
        `Aggregate ${a.id} already has host ${hostA}.`,
      );
      expect(await placementAggregates(hostA)).toEqual([await aggregateUuid(a.id)]);
      expect(await zoneOf(hostA)).toBe('az-a');
      const zones = (await call('GET', '/os-availability-zone/detail', p.admin)).json().availabilityZoneInfo;
      const az = zones.find((z: { zoneName: string }) => z.zoneName === 'az-a');
      expect(Object.keys(az.hosts)).toEqual([hostA]);
    });

    it('keeps a host in one zone: conflicting adds are 409, conflicting zone changes 400', async () => {
      const a = (await call('GET', '/os-aggregates', p.admin))
        .json()
        .aggregates.find((x: Aggregate) => x.name === 'zone-a') as Aggregate;
      const other = await create({ name: 'zone-b', availability_zone: 'az-b' });
      expectFault(
        await act(other.id, { add_host: { host: hostA } }),
        409,
        `Cannot add host to aggregate ${other.id}. Reason: One or more hosts already in availability zone(s) ['az-a'].`,
      );
      const plain = await create({ name: 'plain' });
      expect((await ok(await act(plain.id, { add_host: { host: hostA } }))).hosts).toEqual([hostA]);
      expectFault(
        await act(plain.id, { set_metadata: { metadata: { availability_zone: 'az-b' } } }),
        400,
        `Cannot update metadata of aggregate ${plain.id}. Reason: One or more hosts already in availability zone(s) ['az-a'].`,
      );
      expectFault(
        await call('PUT', `/os-aggregates/${plain.id}`, p.admin, {
          aggregate: { availability_zone: 'az-b' },
        }),
        400,
        `Cannot update aggregate ${plain.id}. Reason: One or more hosts already in availability zone(s) ['az-a'].`,
      );
      expectFault(
        await act(a.id, { set_metadata: { metadata: { availability_zone: null } } }),
        400,
        `Cannot update metadata of aggregate ${a.id}. Reason: Aggregate zone-a does not support empty named availability zone.`,
      );
      // The same zone on a second aggregate is fine; metadata null removes a key.
      const meta = await ok(
        await act(plain.id, { set_metadata: { metadata: { availability_zone: 'az-a', ssd: 'yes' } } }),
      );
      expect(meta.metadata).toEqual({ availability_zone: 'az-a', ssd: 'yes' });
      expect(meta.availability_zone).toBe('az-a');
      const cleared = await ok(await act(plain.id, { set_metadata: { metadata: { ssd: null } } }));
      expect(cleared.metadata).toEqual({ availability_zone: 'az-a' });
      expect(
        (
          await ok(
            await call('PUT', `/os-aggregates/${plain.id}`, p.admin, { aggregate: { name: ' plain2 ' } }),
          )
        ).name,
      ).toBe('plain2');
      expectFault(
        await call('PUT', `/os-aggregates/${plain.id}`, p.admin, { aggregate: { name: 'zone-b' } }),
        409,
        'Aggregate zone-b already exists.',
      );
      expect(await zoneOf(hostA)).toBe('az-a');
    });

    it('moves a zone with its aggregate, and schedules servers asking for it onto its hosts', async () => {
      const b = await create({ name: 'zone-c' });
      await ok(await act(b.id, { add_host: { host: hostB } }));
      expect(await zoneOf(hostB)).toBe('nova');
      const renamed = await ok(
        await call('PUT', `/os-aggregates/${b.id}`, p.admin, { aggregate: { availability_zone: 'az-c' } }),
      );
      expect(renamed.availability_zone).toBe('az-c');
      expect(renamed.updated_at).toMatch(naive);
      expect(await zoneOf(hostB)).toBe('az-c');
      const flavor = await createFlavor(t, p.admin, { name: 'agg-tiny', vcpus: 1, ram: 256, disk: 1 });
      const image = await createImage(t, p.admin, 'agg-img');
      for (const [zone, host] of [
        ['az-c', hostB],
        ['az-a', hostA],
      ] as const) {
        const id = await bootServer(t, p.admin, {
          name: `in-${zone}`,
          imageRef: image,
          flavorRef: flavor,
          availability_zone: zone,
        });
        const s = await waitForServer(t, p.admin, id, 'ACTIVE');
        expect(s['OS-EXT-SRV-ATTR:host']).toBe(host);
        expect(s['OS-EXT-AZ:availability_zone']).toBe(zone);
      }
      // hostB now holds a server: its zone may not change under it.
      expectFault(
        await act(b.id, { set_metadata: { metadata: { availability_zone: 'az-d' } } }),
        400,
        `Cannot update metadata of aggregate ${b.id}. Reason: One or more hosts contain instances in this zone.`,
      );
      expectFault(
        await act(b.id, { remove_host: { host: hostB } }),
        409,
        new RegExp(
          `^Cannot remove host from aggregate ${b.id}\\. Reason: The host cannot be removed from the aggregate as the availability zone of the host would change from 'az-c' to 'None' but the host already has 1 instance\\(s\\)`,
        ),
      );
      expect(await zoneOf(hostB)).toBe('az-c');
    });

    it('removes hosts (placement too) and deletes only empty aggregates', async () => {
      const plain = await ok(
        await create({ name: 'empty-me' }).then((a) => act(a.id, { add_host: { host: hostA } })),
      );
      expectFault(
        await call('DELETE', `/os-aggregates/${plain.id}`, p.admin),
        400,
        `Cannot remove host from aggregate ${plain.id}. Reason: Host aggregate is not empty.`,
      );
      expectFault(
        await act(plain.id, { remove_host: { host: 'ghost' } }),
        404,
        `Cannot remove host ghost in aggregate ${plain.id}`,
      );
      expectFault(
        await act(plain.id, { remove_host: { host: hostB } }),
        404,
        `Cannot remove host ${hostB} in aggregate ${plain.id}`,
      );
      const uuid = await aggregateUuid(plain.id);
      expect(await placementAggregates(hostA)).toContain(uuid);
      expect((await ok(await act(plain.id, { remove_host: { host: hostA } }))).hosts).toEqual([]);
      expect(await placementAggregates(hostA)).not.toContain(uuid);
      const del = await call('DELETE', `/os-aggregates/${plain.id}`, p.admin);
      expect(del.statusCode).toBe(200);
      expect(del.body).toBe('');
      expectFault(await call('GET', `/os-aggregates/${plain.id}`, p.admin), 404);
    });

    it('keeps an aggregate zone over the agent’s on re-registration, and forgets a deleted service', async () => {
      await t.cloud.compute.gateway.registerHost(silentHost('agg-silent', 'agent-zone'));
      const a = await create({ name: 'silent', availability_zone: 'az-s' });
      await ok(await act(a.id, { add_host: { host: 'agg-silent' } }));
      expect(await zoneOf('agg-silent')).toBe('az-s');
      await t.cloud.compute.gateway.registerHost(silentHost('agg-silent', 'agent-zone'));
      expect(await zoneOf('agg-silent')).toBe('az-s');
      expect(await placementAggregates('agg-silent')).toEqual([await aggregateUuid(a.id)]);
      const svc = (await call('GET', '/os-services?host=agg-silent', p.admin)).json().services[0];
      expect((await call('DELETE', `/os-services/${String(svc.id)}`, p.admin)).statusCode).toBe(204);
      expect((await ok(await call('GET', `/os-aggregates/${a.id}`, p.admin))).hosts).toEqual([]);
      await t.cloud.compute.gateway.registerHost(silentHost('agg-silent', 'agent-zone'));
      expect(await zoneOf('agg-silent')).toBe('agent-zone');
    });

    it('answers hypervisor uptime as Nova does for a driver without it', async () => {
      const hv = (await call('GET', `/os-hypervisors/${hostA}/search`, p.admin)).json().hypervisors[0];
      const res = await call('GET', `/os-hypervisors/${String(hv.id)}/uptime`, p.admin);
      expect(res.statusCode).toBe(501);
      expect(res.json()).toEqual({
        notImplemented: { code: 501, message: 'The requested functionality is not supported.' },
      });
      expectFault(await call('GET', '/os-hypervisors/9999/uptime', p.admin), 404);
    });
  });
}
