import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMicroversions } from '../../../src/compute/compute-version.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Method, Personas } from './compute-api-fixtures.js';
import { createPersonas, expectFault } from './compute-api-fixtures.js';

/** The server behaviour of compute microversions 2.2 to 2.37 (other resources: their own files). */
for (const dialect of testDialects()) {
  describe(`${dialect}: compute microversions up to 2.37`, () => {
    let t: TestCloud;
    let p: Personas;
    let flavor: string;
    let image: string;

    const call = (
      version: string | undefined,
      method: Method,
      url: string,
      token: string,
      payload?: object,
    ) =>
      t.request({
        method,
        url: `/compute/v2.1${url}`,
        token,
        ...(version !== undefined && { headers: { 'openstack-api-version': `compute ${version}` } }),
        ...(payload !== undefined && { payload }),
      });
    const show = async (version: string | undefined, id: string, token = p.admin) => {
      const res = await call(version, 'GET', `/servers/${id}`, token);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().server as Record<string, unknown>;
    };
    const boot = async (body: Record<string, unknown> = {}) => {
      const id = await bootServer(t, p.member, { name: 'mv', imageRef: image, flavorRef: flavor, ...body });
      await waitForServer(t, p.admin, id, 'ACTIVE');
      return id;
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      flavor = await createFlavor(t, p.admin, { name: 'mv.small', vcpus: 1, ram: 256, disk: 1 });
      image = await createImage(t, p.admin, 'mv-image');
    });
    afterAll(async () => t?.close());

    it('advertises 2.1 to the maximum and refuses the next with 406', async () => {
      const [major, minor] = computeMicroversions.max;
      const [max, next] = [`${major}.${minor}`, `${major}.${minor + 1}`];
      const v = await t.request({ method: 'GET', url: '/compute/v2.1' });
      expect(v.json().version).toMatchObject({ version: max, min_version: '2.1' });
      const latest = await call('latest', 'GET', '/flavors', p.member);
      expect(latest.headers['openstack-api-version']).toBe(`compute ${max}`);
      const res = await call(next, 'GET', '/flavors', p.member);
      expect(res.statusCode).toBe(406);
      expect(res.body).toContain(
        `Version ${next} is not supported by the API. Minimum is 2.1 and maximum is ${max}.`,
      );
    });

    it('2.37: networks are required, and auto or none exist only from there', async () => {
      const body = { name: 'nets', imageRef: image, flavorRef: flavor };
      const create = (version: string, server: object) =>
        call(version, 'POST', '/servers', p.member, { server: { ...body, ...server } });
      expectFault(
        await create('2.36', { networks: 'none' }),
        400,
        "Invalid input for field 'server/networks': 'none' is not of type 'array'",
      );
      expectFault(
        await create('2.37', {}),
        400,
        "Invalid input for field 'server': 'networks' is a required property",
      );
      const none = await create('2.37', { networks: 'none' });
      expect(none.statusCode).toBe(202);
      await waitForServer(t, p.admin, none.json().server.id, 'ACTIVE');
    });

    it('shows each version’s server fields only from that version on', async () => {
      const id = await boot({ user_data: Buffer.from('#!/bin/sh\n').toString('base64') });
      const old = await show('2.1', id);
      for (const k of ['locked', 'description', 'tags', 'host_status', 'OS-EXT-SRV-ATTR:hostname'])
        expect(old).not.toHaveProperty(k);
      expect(await show('2.26', id)).toMatchObject({
        locked: false,
        description: null,
        tags: [],
        host_status: 'UP',
        'OS-EXT-SRV-ATTR:hostname': 'mv',
        'OS-EXT-SRV-ATTR:reservation_id': expect.stringMatching(/^r-/),
        'OS-EXT-SRV-ATTR:launch_index': 0,
        'OS-EXT-SRV-ATTR:kernel_id': '',
        'OS-EXT-SRV-ATTR:ramdisk_id': '',
        'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda',
        'OS-EXT-SRV-ATTR:user_data': Buffer.from('#!/bin/sh\n').toString('base64'),
      });
      expect(await show('2.8', id)).not.toHaveProperty('locked');
      expect(await show('2.9', id)).toHaveProperty('locked', false);
      // host_status and the extended attributes are the admin's.
      const mine = await show('2.26', id, p.member);
      expect(mine).toMatchObject({ locked: false, description: null, tags: [] });
      expect(Object.keys(mine).filter((k) => k === 'host_status' || k.startsWith('OS-EXT-SRV-ATTR'))).toEqual(
        [],
      );
      // The detail list carries the same fields.
      const list = await call('2.26', 'GET', '/servers/detail?all_tenants=1', p.admin);
      const entry = (list.json().servers as Array<Record<string, unknown>>).find((s) => s.id === id);
      expect(entry).toMatchObject({ host_status: 'UP', locked: false, tags: [] });
    });

    it('2.9: locked follows lock and unlock', async () => {
      const id = await boot();
      expect((await call('2.9', 'POST', `/servers/${id}/action`, p.member, { lock: null })).statusCode).toBe(
        202,
      );
      expect(await show('2.9', id)).toHaveProperty('locked', true);
      await call('2.9', 'POST', `/servers/${id}/action`, p.member, { unlock: null });
      expect(await show('2.9', id)).toHaveProperty('locked', false);
    });

    it('2.16: host_status is MAINTENANCE while the host’s service is disabled', async () => {
      const id = await boot();
      const host = (await show('2.16', id))['OS-EXT-SRV-ATTR:host'] as string;
      const toggle = (action: string) =>
        call('2.1', 'PUT', `/os-services/${action}`, p.admin, { host, binary: 'nova-compute' });
      expect((await toggle('disable')).statusCode).toBe(200);
      expect(await show('2.16', id)).toHaveProperty('host_status', 'MAINTENANCE');
      expect(await show('2.15', id)).not.toHaveProperty('host_status');
      await toggle('enable');
      expect(await show('2.16', id)).toHaveProperty('host_status', 'UP');
    });

    it('2.11: force-down marks the host down at once: service list, host_status, no new servers', async () => {
      const id = await boot();
      const host = (await show('2.16', id))['OS-EXT-SRV-ATTR:host'] as string;
      const force = (v: string, forced: boolean) =>
        call(v, 'PUT', '/os-services/force-down', p.admin, {
          host,
          binary: 'nova-compute',
          forced_down: forced,
        });
      // Before 2.11 the field is unknown to the schema, and the action to the API.
      expectFault(await force('2.10', true), 400, /'forced_down' was unexpected/);
      const noField = await call('2.10', 'PUT', '/os-services/force-down', p.admin, {
        host,
        binary: 'nova-compute',
      });
      expectFault(noField, 404, 'Unknown action');
      try {
        const res = await force('2.11', true);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toEqual({ service: { host, binary: 'nova-compute', forced_down: true } });
        const services = (await call('2.11', 'GET', `/os-services?host=${host}`, p.admin)).json().services;
        expect(services[0]).toMatchObject({ state: 'down', forced_down: true });
        expect(
          (await call('2.10', 'GET', `/os-services?host=${host}`, p.admin)).json().services[0],
        ).not.toHaveProperty('forced_down');
        expect(await show('2.16', id)).toHaveProperty('host_status', 'DOWN');
        // The scheduler leaves the host alone while it is forced down (it is this cloud's only one).
        const refused = await bootServer(t, p.member, {
          name: 'nowhere',
          imageRef: image,
          flavorRef: flavor,
        });
        const failed = await waitForServer(t, p.admin, refused, 'ERROR');
        expect(failed['fault']).toMatchObject({
          message: expect.stringContaining('No valid host was found'),
        });
        const wrongField = await call('2.11', 'PUT', '/os-services/enable', p.admin, {
          host,
          binary: 'nova-compute',
          forced_down: false,
        });
        expectFault(wrongField, 400, "Additional properties are not allowed ('forced_down' was unexpected)");
      } finally {
        await force('2.11', false);
      }
      expect(await show('2.16', id)).toHaveProperty('host_status', 'UP');
    });

    it('2.19: a description on create, update and rebuild; refused before 2.19 and when not printable', async () => {
      const created = await call('2.19', 'POST', '/servers', p.member, {
        server: { name: 'described', imageRef: image, flavorRef: flavor, description: 'the web tier' },
      });
      expect(created.statusCode, created.body).toBe(202);
      const id = created.json().server.id as string;
      await waitForServer(t, p.admin, id, 'ACTIVE');
      expect(await show('2.19', id)).toHaveProperty('description', 'the web tier');

      const updated = await call('2.19', 'PUT', `/servers/${id}`, p.member, {
        server: { description: 'db' },
      });
      expect(updated.json().server.description).toBe('db');
      await call('2.19', 'PUT', `/servers/${id}`, p.member, { server: { description: null } });
      expect(await show('2.19', id)).toHaveProperty('description', null);

      const rebuilt = await call('2.19', 'POST', `/servers/${id}/action`, p.member, {
        rebuild: { imageRef: image, description: 'rebuilt' },
      });
      expect(rebuilt.statusCode, rebuilt.body).toBe(202);
      expect(rebuilt.json().server.description).toBe('rebuilt');
      await waitForServer(t, p.admin, id, 'ACTIVE');

      const before = await call('2.18', 'PUT', `/servers/${id}`, p.member, { server: { description: 'x' } });
      expectFault(
        before,
        400,
        "Invalid input for field 'server': Additional properties are not allowed ('description' was unexpected)",
      );
      const tooOld = await call('2.18', 'POST', '/servers', p.member, {
        server: { name: 'no', imageRef: image, flavorRef: flavor, description: 'x' },
      });
      expectFault(tooOld, 400, /'description' was unexpected/);
      const control = await call('2.19', 'PUT', `/servers/${id}`, p.member, {
        server: { description: 'line\nbreak' },
      });
      expectFault(control, 400, /description/);
      const long = await call('2.19', 'PUT', `/servers/${id}`, p.member, {
        server: { description: 'x'.repeat(256) },
      });
      expectFault(long, 400, /description/);
      // Nothing the refusals carried was written, and none of them created a server.
      expect(await show('2.19', id)).toHaveProperty('description', 'rebuilt');
      const names = (await call('2.19', 'GET', '/servers', p.member))
        .json()
        .servers.map((s: { name: string }) => s.name);
      expect(names).not.toContain('no');
    });

    it('2.17: trigger_crash_dump sends the guest an NMI through its driver', async () => {
      const id = await boot();
      const before = await call('2.16', 'POST', `/servers/${id}/action`, p.member, {
        trigger_crash_dump: null,
      });
      expectFault(before, 400, 'There is no such action: trigger_crash_dump');
      const bad = await call('2.17', 'POST', `/servers/${id}/action`, p.member, { trigger_crash_dump: {} });
      expectFault(bad, 400);
      const res = await call('2.17', 'POST', `/servers/${id}/action`, p.member, { trigger_crash_dump: null });
      expect(res.statusCode, res.body).toBe(202);
      await waitForServer(t, p.admin, id, 'ACTIVE');
      const log = await call('2.17', 'POST', `/servers/${id}/action`, p.member, {
        'os-getConsoleOutput': {},
      });
      expect(log.json().output).toContain('NMI received');
      const actions = (await call('2.17', 'GET', `/servers/${id}/os-instance-actions`, p.member)).json();
      expect(actions.instanceActions.map((a: { action: string }) => a.action)).toContain(
        'trigger_crash_dump',
      );
      // Nova's state and lock checks apply.
      await call('2.17', 'POST', `/servers/${id}/action`, p.member, { 'os-stop': null });
      await waitForServer(t, p.admin, id, 'SHUTOFF');
      const stopped = await call('2.17', 'POST', `/servers/${id}/action`, p.member, {
        trigger_crash_dump: null,
      });
      expectFault(stopped, 409, `Cannot 'trigger_crash_dump' instance ${id} while it is in vm_state stopped`);
      await call('2.17', 'POST', `/servers/${id}/action`, p.member, { 'os-start': null });
      await waitForServer(t, p.admin, id, 'ACTIVE');
      await call('2.17', 'POST', `/servers/${id}/action`, p.admin, { lock: null });
      const locked = await call('2.17', 'POST', `/servers/${id}/action`, p.member, {
        trigger_crash_dump: null,
      });
      expectFault(locked, 409, `Instance ${id} is locked`);
    });

    it('2.23: migrations show their type; a server lists its (never any) live migrations', async () => {
      const id = await boot();
      const big = await createFlavor(t, p.admin, { name: 'mv.big', vcpus: 1, ram: 384, disk: 1 });
      await call('2.23', 'POST', `/servers/${id}/action`, p.member, { resize: { flavorRef: big } });
      await waitForServer(t, p.admin, id, 'VERIFY_RESIZE');
      const mine = async (v: string) =>
        (await call(v, 'GET', `/os-migrations?instance_uuid=${id}`, p.admin)).json().migrations[0];
      expect(await mine('2.23')).toMatchObject({ instance_uuid: id, migration_type: 'resize' });
      expect(await mine('2.22')).not.toHaveProperty('migration_type');
      const live = await call('2.23', 'GET', `/servers/${id}/migrations`, p.admin);
      expect(live.statusCode, live.body).toBe(200);
      expect(live.json()).toEqual({ migrations: [] });
      expectFault(await call('2.22', 'GET', `/servers/${id}/migrations`, p.admin), 404);
    });

    it('2.21: a deleted server’s instance actions stay readable', async () => {
      const id = await boot();
      expect((await call('2.21', 'DELETE', `/servers/${id}`, p.member)).statusCode).toBe(204);
      await waitForServer(t, p.admin, id, 'DELETED');
      expectFault(await call('2.20', 'GET', `/servers/${id}/os-instance-actions`, p.member), 404);
      const res = await call('2.21', 'GET', `/servers/${id}/os-instance-actions`, p.member);
      expect(res.statusCode, res.body).toBe(200);
      const actions = res.json().instanceActions as Array<{ action: string; request_id: string }>;
      expect(actions.map((a) => a.action).sort()).toEqual(['create', 'delete']);
      const one = await call(
        '2.21',
        'GET',
        `/servers/${id}/os-instance-actions/${actions[0]!.request_id}`,
        p.member,
      );
      expect(one.statusCode).toBe(200);
      // Still another project's business only.
      expectFault(await call('2.21', 'GET', `/servers/${id}/os-instance-actions`, p.other), 404);
    });
  });
}
