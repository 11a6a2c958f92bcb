import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { createPersonas, expectFault, insertServer, versionedComputeCaller } from './compute-api-fixtures.js';

/** Compute microversions from 2.47, each on both sides of its change. */
for (const dialect of testDialects()) {
  describe(`${dialect}: compute microversions from 2.47`, () => {
    let t: TestCloud;
    let p: Personas;
    let flavor: string;
    let image: string;
    let server: string;

    const call: ReturnType<typeof versionedComputeCaller> = (...a) => versionedComputeCaller(t)(...a);

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      flavor = await createFlavor(t, p.admin, {
        name: 'mv60.small',
        vcpus: 1,
        ram: 64,
        disk: 1,
        extraSpecs: { 'hw:cpu_policy': 'shared' },
      });
      image = await createImage(t, p.admin, 'mv60-image');
      server = await bootServer(t, p.member, { name: 'mv60', imageRef: image, flavorRef: flavor });
      await waitForServer(t, p.admin, server, 'ACTIVE');
    });
    afterAll(async () => t?.close());

    it('2.47: the flavor is embedded in show, list, update and rebuild; extra_specs by policy', async () => {
      const link = (await call('2.46', 'GET', `/servers/${server}`, p.member)).json().server.flavor;
      expect(Object.keys(link).sort()).toEqual(['id', 'links']);
      const embedded = {
        vcpus: 1,
        ram: 64,
        disk: 1,
        ephemeral: 0,
        swap: 0,
        original_name: 'mv60.small',
        extra_specs: { 'hw:cpu_policy': 'shared' },
      };
      expect((await call('2.47', 'GET', `/servers/${server}`, p.member)).json().server.flavor).toEqual(
        embedded,
      );
      const listed = (await call('2.47', 'GET', '/servers/detail', p.member)).json().servers[0];
      expect(listed.flavor).toEqual(embedded);
      const updated = await call('2.47', 'PUT', `/servers/${server}`, p.member, { server: { name: 'mv60' } });
      expect(updated.json().server.flavor).toEqual(embedded);
      const rebuilt = await call('2.47', 'POST', `/servers/${server}/action`, p.member, {
        rebuild: { imageRef: image },
      });
      expect(rebuilt.statusCode, rebuilt.body).toBe(202);
      expect(rebuilt.json().server.flavor).toEqual(embedded);
      await waitForServer(t, p.admin, server, 'ACTIVE');
    });

    it('2.48: diagnostics in the standard format', async () => {
      const old = (await call('2.47', 'GET', `/servers/${server}/diagnostics`, p.admin)).json();
      expect(old).toHaveProperty('power_state', 'running');
      const res = await call('2.48', 'GET', `/servers/${server}/diagnostics`, p.admin);
      expect(res.statusCode, res.body).toBe(200);
      const d = res.json();
      expect(Object.keys(d).sort()).toEqual([
        'config_drive',
        'cpu_details',
        'disk_details',
        'driver',
        'hypervisor',
        'hypervisor_os',
        'memory_details',
        'nic_details',
        'num_cpus',
        'num_disks',
        'num_nics',
        'state',
        'uptime',
      ]);
      expect(d).toMatchObject({
        state: 'running',
        driver: 'libvirt',
        config_drive: false,
        num_cpus: 1,
        num_disks: 1,
        num_nics: 0,
        memory_details: { maximum: 64, used: null },
        cpu_details: [],
      });
      expect(typeof d.uptime).toBe('number');
    });

    it('2.49: tag on volume and interface attach is a field from 2.49, refused as unsupported there', async () => {
      const volume = { volumeAttachment: { volumeId: randomUUID(), tag: 'data' } };
      const vols = `/servers/${server}/os-volume_attachments`;
      expectFault(await call('2.48', 'POST', vols, p.member, volume), 400, /'tag' was unexpected/);
      expectFault(
        await call('2.49', 'POST', vols, p.member, volume),
        400,
        'Tagged volume attachment is not supported for this server instance.',
      );
      const nic = { interfaceAttachment: { net_id: randomUUID(), tag: 'nic' } };
      const nics = `/servers/${server}/os-interface`;
      expectFault(await call('2.48', 'POST', nics, p.member, nic), 400, /'tag' was unexpected/);
      expectFault(
        await call('2.49', 'POST', nics, p.member, nic),
        400,
        'Tagged network interface attachment is not supported for this server instance.',
      );
      expectFault(await call('2.49', 'POST', `/servers/${randomUUID()}/os-interface`, p.member, nic), 404);
    });

    it('2.50: quota classes show server group quotas and drop the network ones; default feeds projects', async () => {
      const url = '/os-quota-class-sets/default';
      const old = (await call('2.49', 'GET', url, p.admin)).json().quota_class_set;
      expect(old).toHaveProperty('fixed_ips');
      expect(old).not.toHaveProperty('server_groups');
      expect(Object.keys(old)).toHaveLength(13);
      const shown = (await call('2.50', 'GET', url, p.admin)).json().quota_class_set;
      expect(shown).toEqual({
        id: 'default',
        cores: 20,
        injected_file_content_bytes: 10240,
        injected_file_path_bytes: 255,
        injected_files: 5,
        instances: 10,
        key_pairs: 100,
        metadata_items: 128,
        ram: 51200,
        server_group_members: 10,
        server_groups: 10,
      });
      expectFault(
        await call('2.50', 'PUT', url, p.admin, { quota_class_set: { floating_ips: 3 } }),
        400,
        "Invalid input for field 'quota_class_set': Additional properties are not allowed ('floating_ips' was unexpected)",
      );
      expect(
        (await call('2.49', 'PUT', url, p.admin, { quota_class_set: { floating_ips: 3 } })).statusCode,
      ).toBe(200);
      expectFault(await call('2.50', 'PUT', url, p.member, { quota_class_set: { cores: 3 } }), 403);
      expectFault(await call('2.50', 'GET', url, p.member), 403);
      const put = await call('2.50', 'PUT', url, p.admin, {
        quota_class_set: { instances: 7, server_groups: '4' },
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json().quota_class_set).toEqual({ ...shown, id: undefined, instances: 7, server_groups: 4 });
      expect(put.json().quota_class_set).not.toHaveProperty('id');
      const projectDefaults = (
        await call('2.50', 'GET', `/os-quota-sets/${p.otherProjectId}`, p.admin)
      ).json();
      expect(projectDefaults.quota_set).toMatchObject({ instances: 7, server_groups: 4 });
      await call('2.50', 'PUT', url, p.admin, { quota_class_set: { instances: 10, server_groups: 10 } });
    });
    it('2.51: external events are judged one by one; volume-extended exists from 2.51 and is an action', async () => {
      const url = '/os-server-external-events';
      const volumeId = randomUUID();
      const ev = (name: string, uuid: string, extra: object = {}) => ({ name, server_uuid: uuid, ...extra });
      expectFault(
        await call('2.51', 'POST', url, p.member, { events: [ev('network-changed', server)] }),
        403,
      );
      const extended = { events: [ev('volume-extended', server, { tag: volumeId })] };
      expectFault(await call('2.50', 'POST', url, p.admin, extended), 400);
      expectFault(await call('2.51', 'POST', url, p.admin, { events: [] }), 400);
      expectFault(await call('2.51', 'POST', url, p.admin, { events: [ev('network-changed', 'nope')] }), 400);
      const ok = await call('2.51', 'POST', url, p.admin, {
        events: [
          ev('network-vif-plugged', server, { tag: 'port', status: 'in-progress' }),
          ...extended.events,
        ],
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toEqual({
        events: [
          { name: 'network-vif-plugged', server_uuid: server, tag: 'port', status: 'completed', code: 200 },
          { name: 'volume-extended', server_uuid: server, tag: volumeId, status: 'completed', code: 200 },
        ],
      });
      const unplaced = await insertServer(t, { projectId: p.projectId, vcpus: 1, ram: 64 });
      const gone = randomUUID();
      const mixed = await call('2.51', 'POST', url, p.admin, {
        events: [ev('volume-extended', server), ev('network-changed', gone), ev('network-changed', unplaced)],
      });
      expect(mixed.statusCode, mixed.body).toBe(207);
      expect(mixed.json().events).toEqual([
        { name: 'volume-extended', server_uuid: server, status: 'failed', code: 400 },
        { name: 'network-changed', server_uuid: gone, status: 'failed', code: 404 },
        { name: 'network-changed', server_uuid: unplaced, status: 'failed', code: 422 },
      ]);
      // Only the accepted volume-extended became an action; its owner reads its events from 2.51.
      const actions = `/servers/${server}/os-instance-actions`;
      const listed = (await call('2.51', 'GET', actions, p.member)).json().instanceActions;
      const extend = listed.filter((a: { action: string }) => a.action === 'extend_volume');
      expect(extend).toHaveLength(1);
      expect(extend[0].request_id).toBe(ok.headers['x-openstack-request-id']);
      const show = `${actions}/${extend[0].request_id}`;
      expect((await call('2.50', 'GET', show, p.member)).json().instanceAction).not.toHaveProperty('events');
      expect((await call('2.51', 'GET', show, p.member)).json().instanceAction.events).toEqual([]);
    });

    it('2.52: tags on create, refused before', async () => {
      const body = { name: 'tagged', imageRef: image, flavorRef: flavor, networks: 'none', tags: ['a', 'b'] };
      expectFault(
        await call('2.51', 'POST', '/servers', p.member, { server: body }),
        400,
        /'tags' was unexpected/,
      );
      const many = Array.from({ length: 51 }, (_, i) => `t${i}`);
      expectFault(await call('2.52', 'POST', '/servers', p.member, { server: { ...body, tags: many } }), 400);
      expectFault(
        await call('2.52', 'POST', '/servers', p.member, { server: { ...body, tags: ['a,b'] } }),
        400,
      );
      const res = await call('2.52', 'POST', '/servers', p.member, { server: body });
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json().server).not.toHaveProperty('tags');
      const id = res.json().server.id as string;
      expect((await call('2.52', 'GET', `/servers/${id}`, p.member)).json().server.tags.sort()).toEqual([
        'a',
        'b',
      ]);
      expect((await call('2.52', 'GET', `/servers/${id}/tags`, p.member)).json().tags.sort()).toEqual([
        'a',
        'b',
      ]);
      expect((await call('2.52', 'DELETE', `/servers/${id}`, p.member)).statusCode).toBe(204);
    });

    it('2.53: services and hypervisors are numbered before, and UUIDs from 2.53', async () => {
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
      const services = async (v: string) => (await call(v, 'GET', '/os-services', p.admin)).json().services;
      const hypervisors = async (v: string) =>
        (await call(v, 'GET', '/os-hypervisors', p.admin)).json().hypervisors;
      for (const s of [...(await services('2.52')), ...(await hypervisors('2.52'))])
        expect(typeof s.id).toBe('number');
      for (const s of [...(await services('2.53')), ...(await hypervisors('2.53'))])
        expect(s.id).toMatch(uuid);
    });

    it('2.53: a service is updated by its UUID, and no longer by action paths', async () => {
      const [svc] = await (await call('2.53', 'GET', '/os-services', p.admin)).json().services;
      const url = `/os-services/${svc.id}`;
      expectFault(await call('2.52', 'PUT', url, p.admin, { status: 'disabled' }), 400);
      const legacy = { host: svc.host, binary: 'nova-compute' };
      expectFault(await call('2.53', 'PUT', '/os-services/disable', p.admin, legacy), 400);
      expectFault(
        await call('2.53', 'PUT', '/os-services/disable', p.admin, { status: 'disabled' }),
        400,
        'Invalid uuid disable',
      );
      expectFault(await call('2.53', 'PUT', url, p.member, { status: 'disabled' }), 403);
      expectFault(
        await call('2.53', 'PUT', url, p.admin, {}),
        400,
        "No updates were requested. Fields 'status' or 'forced_down' should be specified.",
      );
      expectFault(
        await call('2.53', 'PUT', url, p.admin, { status: 'enabled', disabled_reason: 'x' }),
        400,
        "Specifying 'disabled_reason' with status 'enabled' is invalid.",
      );
      expectFault(
        await call('2.53', 'PUT', `/os-services/${randomUUID()}`, p.admin, { status: 'enabled' }),
        404,
      );
      const off = await call('2.53', 'PUT', url, p.admin, {
        status: 'disabled',
        disabled_reason: 'maintenance',
      });
      expect(off.statusCode, off.body).toBe(200);
      expect(off.json().service).toMatchObject({
        id: svc.id,
        host: svc.host,
        status: 'disabled',
        disabled_reason: 'maintenance',
        forced_down: false,
      });
      const down = await call('2.53', 'PUT', url, p.admin, { forced_down: 'true' });
      expect(down.json().service).toMatchObject({ forced_down: true, state: 'down', status: 'disabled' });
      const back = await call('2.53', 'PUT', url, p.admin, { status: 'enabled', forced_down: false });
      expect(back.json().service).toMatchObject({
        status: 'enabled',
        disabled_reason: null,
        forced_down: false,
      });
    });

    it('2.53: hypervisor search and servers move into the list query', async () => {
      const host = (await call('2.53', 'GET', '/os-hypervisors', p.admin)).json().hypervisors[0];
      const name = host.hypervisor_hostname as string;
      expect((await call('2.52', 'GET', `/os-hypervisors/${name}/search`, p.admin)).statusCode).toBe(200);
      expectFault(await call('2.53', 'GET', `/os-hypervisors/${name}/search`, p.admin), 404);
      expectFault(await call('2.53', 'GET', `/os-hypervisors/${name}/servers`, p.admin), 404);
      expect((await call('2.52', 'GET', '/os-hypervisors?foo=1', p.admin)).statusCode).toBe(200);
      expectFault(await call('2.53', 'GET', '/os-hypervisors?foo=1', p.admin), 400);
      const found = await call(
        '2.53',
        'GET',
        `/os-hypervisors/detail?hypervisor_hostname_pattern=${name}`,
        p.admin,
      );
      expect(found.json().hypervisors.map((h: { id: string }) => h.id)).toEqual([host.id]);
      expectFault(
        await call('2.53', 'GET', '/os-hypervisors?hypervisor_hostname_pattern=nohost', p.admin),
        404,
      );
      expectFault(
        await call('2.53', 'GET', `/os-hypervisors?hypervisor_hostname_pattern=${name}&limit=1`, p.admin),
        400,
        'Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.',
      );
      const listed = await call('2.53', 'GET', '/os-hypervisors?with_servers=true', p.admin);
      const hosted = listed.json().hypervisors.find((h: { id: string }) => h.id === host.id);
      expect(hosted.servers.map((v: { uuid: string }) => v.uuid)).toContain(server);
      expect(Object.keys(hosted.servers[0]).sort()).toEqual(['name', 'uuid']);
      expect(
        (await call('2.53', 'GET', '/os-hypervisors', p.admin)).json().hypervisors[0],
      ).not.toHaveProperty('servers');
      expectFault(await call('2.53', 'GET', '/os-hypervisors?with_servers=maybe', p.admin), 400);
      const shown = await call('2.53', 'GET', `/os-hypervisors/${host.id}?with_servers=1`, p.admin);
      expect(shown.json().hypervisor.servers.map((v: { uuid: string }) => v.uuid)).toContain(server);
      expect(
        (await call('2.53', 'GET', `/os-hypervisors/${host.id}`, p.admin)).json().hypervisor,
      ).not.toHaveProperty('servers');
      expectFault(await call('2.53', 'GET', `/os-hypervisors/${host.id}?foo=1`, p.admin), 400);
    });

    it('2.54: rebuild sets or drops the key pair, and answers with key_name', async () => {
      const kp = await call('2.1', 'POST', '/os-keypairs', p.member, { keypair: { name: 'mv54' } });
      expect(kp.statusCode, kp.body).toBe(200);
      const rebuild = (v: string, extra: object) =>
        call(v, 'POST', `/servers/${server}/action`, p.member, { rebuild: { imageRef: image, ...extra } });
      expectFault(await rebuild('2.53', { key_name: 'mv54' }), 400, /'key_name' was unexpected/);
      expectFault(await rebuild('2.54', { key_name: 'nope' }), 400, 'Invalid key_name provided.');
      const before = await rebuild('2.53', {});
      expect(before.statusCode, before.body).toBe(202);
      expect(before.json().server).not.toHaveProperty('key_name');
      await waitForServer(t, p.admin, server, 'ACTIVE');
      const set = await rebuild('2.54', { key_name: 'mv54' });
      expect(set.statusCode, set.body).toBe(202);
      expect(set.json().server.key_name).toBe('mv54');
      expect(set.json().server).not.toHaveProperty('user_data');
      await waitForServer(t, p.admin, server, 'ACTIVE');
      expect((await call('2.54', 'GET', `/servers/${server}`, p.member)).json().server.key_name).toBe('mv54');
      const dropped = await rebuild('2.54', { key_name: null });
      expect(dropped.statusCode, dropped.body).toBe(202);
      expect(dropped.json().server.key_name).toBeNull();
      await waitForServer(t, p.admin, server, 'ACTIVE');
    });

    it('2.55: flavors carry a description, set on create and by update (from 2.55)', async () => {
      const body = { flavor: { name: 'mv55', vcpus: 1, ram: 64, disk: 1, description: 'fast' } };
      expectFault(await call('2.54', 'POST', '/flavors', p.admin, body), 400, /'description' was unexpected/);
      const made = await call('2.55', 'POST', '/flavors', p.admin, body);
      expect(made.statusCode, made.body).toBe(200);
      const id = made.json().flavor.id as string;
      expect(made.json().flavor.description).toBe('fast');
      expect((await call('2.54', 'GET', `/flavors/${id}`, p.member)).json().flavor).not.toHaveProperty(
        'description',
      );
      const shown = (await call('2.55', 'GET', `/flavors/${id}`, p.member)).json().flavor;
      expect(Object.keys(shown).sort()).toEqual([
        'OS-FLV-DISABLED:disabled',
        'OS-FLV-EXT-DATA:ephemeral',
        'description',
        'disk',
        'id',
        'links',
        'name',
        'os-flavor-access:is_public',
        'ram',
        'rxtx_factor',
        'swap',
        'vcpus',
      ]);
      const brief = (await call('2.55', 'GET', '/flavors', p.member)).json().flavors;
      expect(brief.find((f: { id: string }) => f.id === id)).toEqual({
        id,
        name: 'mv55',
        links: shown.links,
        description: 'fast',
      });
      expect((await call('2.54', 'GET', '/flavors', p.member)).json().flavors[0]).not.toHaveProperty(
        'description',
      );
      const update = { flavor: { description: 'slow' } };
      expectFault(await call('2.54', 'PUT', `/flavors/${id}`, p.admin, update), 404);
      expectFault(await call('2.55', 'PUT', `/flavors/${id}`, p.member, update), 403);
      expectFault(await call('2.55', 'PUT', `/flavors/${id}`, p.admin, { flavor: {} }), 400);
      expectFault(
        await call('2.55', 'PUT', `/flavors/${id}`, p.admin, { flavor: { name: 'x', description: 'y' } }),
        400,
      );
      expectFault(await call('2.55', 'PUT', `/flavors/${randomUUID()}`, p.admin, update), 404);
      const updated = await call('2.55', 'PUT', `/flavors/${id}`, p.admin, update);
      expect(updated.statusCode, updated.body).toBe(200);
      expect(updated.json().flavor).toEqual({ ...shown, description: 'slow' });
      const cleared = await call('2.55', 'PUT', `/flavors/${id}`, p.admin, { flavor: { description: null } });
      expect(cleared.json().flavor.description).toBeNull();
    });

    it('2.57: rebuild takes user_data; personality and the file injection quotas are gone', async () => {
      const rebuild = (v: string, extra: object) =>
        call(v, 'POST', `/servers/${server}/action`, p.member, { rebuild: { imageRef: image, ...extra } });
      const personality = [{ path: '/etc/motd', contents: 'aGk=' }];
      expectFault(await rebuild('2.56', { user_data: 'aGk=' }), 400, /'user_data' was unexpected/);
      expectFault(await rebuild('2.57', { personality }), 400, /'personality' was unexpected/);
      expectFault(await rebuild('2.57', { user_data: '%%%' }), 400);
      const create = { name: 'p57', imageRef: image, flavorRef: flavor, networks: 'none', personality };
      expectFault(
        await call('2.57', 'POST', '/servers', p.member, { server: create }),
        400,
        /'personality' was unexpected/,
      );
      const set = await rebuild('2.57', { user_data: 'aGk=' });
      expect(set.statusCode, set.body).toBe(202);
      expect(set.json().server).toMatchObject({ user_data: 'aGk=', key_name: null });
      expect(set.json().server).toHaveProperty('adminPass');
      await waitForServer(t, p.admin, server, 'ACTIVE');
      const cleared = await rebuild('2.57', { user_data: null });
      expect(cleared.json().server.user_data).toBeNull();
      await waitForServer(t, p.admin, server, 'ACTIVE');

      const absolute = async (v: string) =>
        (await call(v, 'GET', '/limits', p.member)).json().limits.absolute;
      expect(await absolute('2.56')).toHaveProperty('maxPersonality');
      expect(await absolute('2.57')).not.toHaveProperty('maxPersonality');
      expect(await absolute('2.57')).not.toHaveProperty('maxPersonalitySize');
      const quotas = `/os-quota-sets/${p.otherProjectId}`;
      expect((await call('2.56', 'GET', quotas, p.admin)).json().quota_set).toHaveProperty('injected_files');
      const at57 = (await call('2.57', 'GET', quotas, p.admin)).json().quota_set;
      for (const q of ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'])
        expect(at57).not.toHaveProperty(q);
      const put = { quota_set: { injected_files: 3 } };
      expectFault(await call('2.57', 'PUT', quotas, p.admin, put), 400, /'injected_files' was unexpected/);
      expect((await call('2.56', 'PUT', quotas, p.admin, put)).statusCode).toBe(200);
    });

    it('2.58: instance actions page by limit and marker, filter by changes-since, show updated_at', async () => {
      const srv = await insertServer(t, { projectId: p.projectId, vcpus: 1, ram: 64 });
      const days = ['2020-01-01', '2020-01-02', '2020-01-03'];
      await t.cloud.store.db
        .insertInto('instance_actions')
        .values(
          days.map((d, i) => ({
            id: randomUUID(),
            server_id: srv,
            request_id: `req-58-${i}`,
            action: 'reboot',
            project_id: p.projectId,
            user_id: 'someone',
            start_time: `${d}T00:00:00.000Z`,
            finish_time: i === 0 ? '2020-01-05T00:00:00.000Z' : null,
            message: null,
          })),
        )
        .execute();
      const url = `/servers/${srv}/os-instance-actions`;
      const ids = (r: { instanceActions: Array<{ request_id: string }> }) =>
        r.instanceActions.map((a) => a.request_id);
      const old = (await call('2.57', 'GET', `${url}?limit=1&foo=1`, p.member)).json();
      expect(ids(old)).toEqual(['req-58-2', 'req-58-1', 'req-58-0']);
      expect(old.instanceActions[0]).not.toHaveProperty('updated_at');
      expect(old).not.toHaveProperty('links');
      const first = (await call('2.58', 'GET', `${url}?limit=2`, p.member)).json();
      expect(ids(first)).toEqual(['req-58-2', 'req-58-1']);
      expect(first.instanceActions[0]).toMatchObject({
        start_time: '2020-01-03T00:00:00Z',
        updated_at: '2020-01-03T00:00:00Z',
      });
      expect(first.links).toHaveLength(1);
      const next = new URL(first.links[0].href);
      expect(next.pathname).toMatch(new RegExp(`/compute/v2.1/servers/${srv}/os-instance-actions$`));
      expect(Object.fromEntries(next.searchParams)).toEqual({ limit: '2', marker: 'req-58-1' });
      const second = (await call('2.58', 'GET', `${url}?limit=2&marker=req-58-1`, p.member)).json();
      expect(ids(second)).toEqual(['req-58-0']);
      expect(second.instanceActions[0].updated_at).toBe('2020-01-05T00:00:00Z');
      expect(second).not.toHaveProperty('links');
      const since = (await call('2.58', 'GET', `${url}?changes-since=2020-01-04T00:00:00Z`, p.member)).json();
      expect(ids(since)).toEqual(['req-58-0']);
      expectFault(await call('2.58', 'GET', `${url}?marker=req-none`, p.member), 400);
      expectFault(await call('2.58', 'GET', `${url}?changes-since=yesterday`, p.member), 400);
      expectFault(await call('2.58', 'GET', `${url}?foo=1`, p.member), 400);
      expectFault(await call('2.58', 'GET', `${url}?limit=-1`, p.member), 400);
      const shown = (await call('2.58', 'GET', `${url}/req-58-0`, p.member)).json().instanceAction;
      expect(shown.updated_at).toBe('2020-01-05T00:00:00Z');
    });

    it('2.59: os-migrations pages by limit and marker, filters by changes-since, shows uuid', async () => {
      const srv = await insertServer(t, { projectId: p.projectId, vcpus: 1, ram: 64 });
      const uuids = [randomUUID(), randomUUID(), randomUUID()];
      await t.cloud.store.db
        .insertInto('migrations')
        .values(
          uuids.map((uuid, i) => ({
            id: 5900 + i,
            uuid,
            server_id: srv,
            migration_type: 'resize' as const,
            status: 'confirmed',
            source_compute: 'a',
            dest_compute: 'b',
            old_flavor_id: '1',
            new_flavor_id: '2',
            project_id: p.projectId,
            user_id: 'someone',
            created_at: `2020-01-0${i + 1}T00:00:00.000Z`,
            updated_at: `2020-01-0${i + 5}T00:00:00.000Z`,
          })),
        )
        .execute();
      const url = `/os-migrations?instance_uuid=${srv}`;
      const old = (await call('2.58', 'GET', `${url}&limit=1&foo=1`, p.admin)).json();
      expect(old.migrations).toHaveLength(3);
      expect(old).not.toHaveProperty('migrations_links');
      expect(Object.keys(old.migrations[0]).sort()).toEqual([
        'created_at',
        'dest_compute',
        'dest_host',
        'dest_node',
        'id',
        'instance_uuid',
        'migration_type',
        'new_instance_type_id',
        'old_instance_type_id',
        'source_compute',
        'source_node',
        'status',
        'updated_at',
      ]);
      const first = (await call('2.59', 'GET', `${url}&limit=2`, p.admin)).json();
      expect(first.migrations.map((m: { uuid: string }) => m.uuid)).toEqual([uuids[2], uuids[1]]);
      const next = new URL(first.migrations_links[0].href);
      expect(first.migrations_links[0].rel).toBe('next');
      expect(Object.fromEntries(next.searchParams)).toEqual({
        instance_uuid: srv,
        limit: '2',
        marker: uuids[1],
      });
      const second = (await call('2.59', 'GET', `${url}&limit=2&marker=${uuids[1]}`, p.admin)).json();
      expect(second.migrations.map((m: { id: number }) => m.id)).toEqual([5900]);
      expect(second).not.toHaveProperty('migrations_links');
      const since = (await call('2.59', 'GET', `${url}&changes-since=2020-01-06T12:00:00Z`, p.admin)).json();
      expect(since.migrations.map((m: { id: number }) => m.id)).toEqual([5902]);
      expectFault(await call('2.59', 'GET', `${url}&marker=${randomUUID()}`, p.admin), 400);
      expectFault(await call('2.59', 'GET', `${url}&foo=1`, p.admin), 400);
      expectFault(await call('2.59', 'GET', `${url}&changes-since=soon`, p.admin), 400);
    });

    it('2.60 is the ceiling', async () => {
      const v = await t.request({ method: 'GET', url: '/compute/v2.1' });
      expect(v.json().version.version).toBe('2.60');
      expect((await call('2.61', 'GET', '/flavors', p.member)).statusCode).toBe(406);
    });
  });
}
