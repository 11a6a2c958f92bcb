import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import {
  bootServer,
  createFlavor,
  createImage,
  serverStatus,
  waitForServer,
} from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: compute servers API on the fake driver`, () => {
    let t: TestCloud;
    let admin: string;
    let flavor: string;
    let image: string;
    const action = (token: string, id: string, body: object) =>
      t.request({ method: 'POST', url: `/compute/v2.1/servers/${id}/action`, token, payload: body });

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      flavor = await createFlavor(t, admin, { name: 'm1.small', vcpus: 1, ram: 512, disk: 1 });
      image = await createImage(t, admin, 'cirros');
    });
    afterAll(async () => t?.close());

    it('boots a server to ACTIVE with Nova attributes', async () => {
      const id = await bootServer(t, admin, {
        name: 'web',
        imageRef: image,
        flavorRef: flavor,
        metadata: { role: 'web' },
      });
      const s = await waitForServer(t, admin, id, 'ACTIVE');
      expect(s).toMatchObject({
        name: 'web',
        'OS-EXT-STS:vm_state': 'active',
        'OS-EXT-STS:power_state': 1,
        metadata: { role: 'web' },
        image: { id: image },
        flavor: { id: flavor },
      });
      expect(s['OS-EXT-SRV-ATTR:host']).toMatch(/^fake-/);
      expect(s['OS-SRV-USG:launched_at']).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+$/);
      const list = await t.request({ method: 'GET', url: '/compute/v2.1/servers/detail', token: admin });
      expect(list.json().servers.map((x: { id: string }) => x.id)).toContain(id);
    });

    it('runs the power actions through the agent', async () => {
      const id = await bootServer(t, admin, { name: 'power', imageRef: image, flavorRef: flavor });
      await waitForServer(t, admin, id, 'ACTIVE');
      for (const [body, status] of [
        [{ 'os-stop': null }, 'SHUTOFF'],
        [{ 'os-start': null }, 'ACTIVE'],
        [{ pause: null }, 'PAUSED'],
        [{ unpause: null }, 'ACTIVE'],
        [{ suspend: null }, 'SUSPENDED'],
        [{ resume: null }, 'ACTIVE'],
        [{ reboot: { type: 'HARD' } }, 'ACTIVE'],
        [{ reboot: { type: 'SOFT' } }, 'ACTIVE'],
      ] as const) {
        const res = await action(admin, id, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(202);
        await waitForServer(t, admin, id, status);
      }
      const events = await t.request({
        method: 'GET',
        url: `/compute/v2.1/servers/${id}/os-instance-actions`,
        token: admin,
      });
      expect(events.json().instanceActions.map((a: { action: string }) => a.action)).toEqual(
        expect.arrayContaining([
          'create',
          'stop',
          'start',
          'pause',
          'unpause',
          'suspend',
          'resume',
          'reboot',
        ]),
      );
      const out = await action(admin, id, { 'os-getConsoleOutput': { length: 5 } });
      expect(out.statusCode).toBe(200);
      expect(out.json().output).toContain('[fake]');
    });

    it('refuses an action in the wrong state with 409 and changes nothing', async () => {
      const id = await bootServer(t, admin, { name: 'conflict', imageRef: image, flavorRef: flavor });
      await waitForServer(t, admin, id, 'ACTIVE');
      const res = await action(admin, id, { 'os-start': null });
      expect(res.statusCode).toBe(409);
      expect(res.json().conflictingRequest.message).toBe(
        `Cannot 'start' instance ${id} while it is in vm_state active`,
      );
      expect((await serverStatus(t, admin, id)).body['status']).toBe('ACTIVE');
    });

    it('rejects unknown flavors, images and fields with Nova 400s, creating nothing', async () => {
      const count = async () =>
        (await t.request({ method: 'GET', url: '/compute/v2.1/servers', token: admin })).json().servers
          .length as number;
      const before = await count();
      const bad = async (server: object, message: string) => {
        const res = await t.request({
          method: 'POST',
          url: '/compute/v2.1/servers',
          token: admin,
          payload: { server },
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().badRequest.message).toContain(message);
      };
      await bad({ name: 'x', imageRef: image, flavorRef: 'nope' }, 'Flavor nope could not be found.');
      await bad(
        { name: 'x', imageRef: '00000000-0000-0000-0000-000000000000', flavorRef: flavor },
        'Image 00000000-0000-0000-0000-000000000000 could not be found.',
      );
      await bad(
        { name: 'x', imageRef: image, flavorRef: flavor, bogus: 1 },
        "Additional properties are not allowed ('bogus' was unexpected)",
      );
      await bad(
        { name: 'x', imageRef: image, flavorRef: flavor, key_name: 'missing' },
        'Invalid key_name provided.',
      );
      expect(await count()).toBe(before);
    });

    it('ends in ERROR with a fault when the driver fails, releasing the allocation', async () => {
      const failing = await createFlavor(t, admin, {
        name: 'fail',
        vcpus: 1,
        ram: 128,
        disk: 1,
        extraSpecs: { 'fake:fail_create': 'terminal' },
      });
      const id = await bootServer(t, admin, { name: 'doomed', imageRef: image, flavorRef: failing });
      const s = await waitForServer(t, admin, id, 'ERROR');
      expect((s['fault'] as { message: string }).message).toContain('injected terminal create failure');
      // Released right after the state write (never before: a replayed build must not run unclaimed).
      await expect.poll(() => allocationsOf(t, admin, id), { timeout: 5000 }).toEqual({});
    });

    it('answers NoValidHost with a fault when nothing fits', async () => {
      const huge = await createFlavor(t, admin, { name: 'huge', vcpus: 1, ram: 512, disk: 100_000 });
      const id = await bootServer(t, admin, { name: 'too-big', imageRef: image, flavorRef: huge });
      const s = await waitForServer(t, admin, id, 'ERROR');
      expect(s['fault']).toMatchObject({ code: 500, message: 'No valid host was found. ' });
      expect((s['fault'] as { details: string }).details).toMatch(/lacking DISK_GB/);
    });

    it('deletes a server and releases its allocation', async () => {
      const id = await bootServer(t, admin, { name: 'gone', imageRef: image, flavorRef: flavor });
      await waitForServer(t, admin, id, 'ACTIVE');
      expect(
        (await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${id}`, token: admin })).statusCode,
      ).toBe(204);
      await waitForServer(t, admin, id, 'DELETED');
      expect(await allocationsOf(t, admin, id)).toEqual({});
    });

    it('blocks a non-admin delete of a locked server', async () => {
      const member = await memberToken(t, admin);
      const id = await bootServer(t, member.token, { name: 'locked', imageRef: image, flavorRef: flavor });
      await waitForServer(t, member.token, id, 'ACTIVE');
      expect((await action(member.token, id, { lock: null })).statusCode).toBe(202);
      const del = await t.request({
        method: 'DELETE',
        url: `/compute/v2.1/servers/${id}`,
        token: member.token,
      });
      expect(del.statusCode).toBe(409);
      const other = await t.request({ method: 'GET', url: `/compute/v2.1/servers/${id}`, token: admin });
      expect(other.statusCode).toBe(200);
      const admins = await t.token('admin', t.adminPassword);
      expect(
        (await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${id}`, token: admins })).statusCode,
      ).toBe(204);
    });

    it('snapshots with the source image properties, and leaves no image when refused or failed', async () => {
      const source = await createImage(t, admin, 'with-props');
      const patch = await t.request({
        method: 'PATCH',
        url: `/image/v2/images/${source}`,
        token: admin,
        headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' },
        payload: [{ op: 'add', path: '/hw_disk_bus', value: 'virtio' }],
      });
      expect(patch.statusCode).toBe(200);
      const snapshotNamed = async (name: string) =>
        (await t.request({ method: 'GET', url: `/image/v2/images?name=${name}`, token: admin })).json()
          .images as Array<Record<string, unknown>>;
      const id = await bootServer(t, admin, { name: 'snappy', imageRef: source, flavorRef: flavor });
      await waitForServer(t, admin, id, 'ACTIVE');
      expect((await action(admin, id, { createImage: { name: 'snap-ok' } })).statusCode).toBe(202);
      await expect.poll(async () => (await snapshotNamed('snap-ok'))[0]?.['status']).toBe('active');
      expect((await snapshotNamed('snap-ok'))[0]).toMatchObject({
        hw_disk_bus: 'virtio',
        image_type: 'snapshot',
      });

      const member = await memberToken(t, admin, 'snap');
      const locked = await bootServer(t, member.token, { name: 'lk', imageRef: image, flavorRef: flavor });
      await waitForServer(t, member.token, locked, 'ACTIVE');
      await action(member.token, locked, { lock: null });
      expect((await action(member.token, locked, { createImage: { name: 'snap-locked' } })).statusCode).toBe(
        409,
      );
      const building = await bootServer(t, admin, {
        name: 'slow',
        imageRef: image,
        flavorRef: flavor,
        // Slow, not hung: a hung create would hold one of its host's agent workers for good.
        metadata: { 'fake:create_delay_ms': '3000' },
      });
      expect((await action(admin, building, { createImage: { name: 'snap-build' } })).statusCode).toBe(409);
      const console = await action(admin, building, { 'os-getConsoleOutput': {} });
      expect(console.statusCode).toBe(409);
      expect(console.json()).toEqual({
        conflictingRequest: { code: 409, message: `Instance ${building} is not ready` },
      });
      const failing = await bootServer(t, admin, {
        name: 'bad-snap',
        imageRef: image,
        flavorRef: flavor,
        metadata: { 'fake:fail_snapshot': 'true' },
      });
      await waitForServer(t, admin, failing, 'ACTIVE');
      expect((await action(admin, failing, { createImage: { name: 'snap-failed' } })).statusCode).toBe(202);
      await expect
        .poll(async () => (await serverStatus(t, admin, failing)).body['OS-EXT-STS:task_state'])
        .toBe(null);
      for (const name of ['snap-locked', 'snap-build', 'snap-failed'])
        expect(await snapshotNamed(name)).toEqual([]);
    });

    it('lets an admin reset the state of a server and forget a host that is gone', async () => {
      const stuck = await bootServer(t, admin, { name: 'stuck', imageRef: image, flavorRef: flavor });
      await waitForServer(t, admin, stuck, 'ACTIVE');
      const member = await memberToken(t, admin, 'reset');
      expect((await action(admin, stuck, { 'os-resetState': { state: 'paused' } })).statusCode).toBe(400);
      expect((await action(member.token, stuck, { 'os-resetState': { state: 'error' } })).statusCode).toBe(
        404,
      );
      expect((await action(admin, stuck, { 'os-resetState': { state: 'error' } })).statusCode).toBe(202);
      expect((await waitForServer(t, admin, stuck, 'ERROR'))['OS-EXT-STS:task_state']).toBe(null);
      expect((await action(admin, stuck, { 'os-resetState': { state: 'active' } })).statusCode).toBe(202);
      await waitForServer(t, admin, stuck, 'ACTIVE');

      await t.cloud.compute.agents.addFakeHosts(
        1,
        { vcpus: 4, memoryMb: 4096, diskGb: 40 },
        { prefix: 'gone', availabilityZone: 'gone' },
      );
      const services = async () =>
        (
          await t.request({ method: 'GET', url: '/compute/v2.1/os-services?host=gone-0001', token: admin })
        ).json().services as Array<{ id: string }>;
      const [svc] = await services();
      const onIt = await bootServer(t, admin, {
        name: 'on-it',
        imageRef: image,
        flavorRef: flavor,
        availability_zone: 'gone',
      });
      await waitForServer(t, admin, onIt, 'ACTIVE');
      const del = () =>
        t.request({ method: 'DELETE', url: `/compute/v2.1/os-services/${svc!.id}`, token: admin });
      const busy = await del();
      expect(busy.statusCode).toBe(409);
      expect(busy.json().conflictingRequest.message).toMatch(
        /^Unable to delete compute service that is hosting/,
      );
      await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${onIt}`, token: admin });
      await waitForServer(t, admin, onIt, 'DELETED');
      expect((await del()).statusCode).toBe(204);
      expect(await services()).toEqual([]);
      const providers = await t.request({
        method: 'GET',
        url: '/placement/resource_providers?name=gone-0001',
        token: admin,
      });
      expect(providers.json().resource_providers).toEqual([]);
      expect((await del()).statusCode).toBe(404);
    });

    it('shows instance-action events to admins only below 2.51, as Nova', async () => {
      const member = await memberToken(t, admin, 'events');
      const id = await bootServer(t, member.token, { name: 'ev', imageRef: image, flavorRef: flavor });
      await waitForServer(t, member.token, id, 'ACTIVE');
      const url = `/compute/v2.1/servers/${id}/os-instance-actions`;
      const [create] = (await t.request({ method: 'GET', url, token: member.token })).json().instanceActions;
      const show = async (token: string) =>
        (await t.request({ method: 'GET', url: `${url}/${create.request_id}`, token })).json().instanceAction;
      expect(await show(member.token)).not.toHaveProperty('events');
      expect((await show(admin)).events).toEqual([
        expect.objectContaining({ event: 'compute__do_build_and_run_instance', result: 'Success' }),
      ]);
    });

    it('manages server metadata items', async () => {
      const id = await bootServer(t, admin, {
        name: 'meta',
        imageRef: image,
        flavorRef: flavor,
        metadata: { a: '1' },
      });
      const url = `/compute/v2.1/servers/${id}/metadata`;
      expect(
        (await t.request({ method: 'POST', url, token: admin, payload: { metadata: { b: '2' } } })).json()
          .metadata,
      ).toEqual({ a: '1', b: '2' });
      expect(
        (await t.request({ method: 'PUT', url: `${url}/c`, token: admin, payload: { meta: { c: '3' } } }))
          .statusCode,
      ).toBe(200);
      expect(
        (await t.request({ method: 'PUT', url: `${url}/c`, token: admin, payload: { meta: { d: '3' } } }))
          .statusCode,
      ).toBe(400);
      expect((await t.request({ method: 'GET', url: `${url}/b`, token: admin })).json()).toEqual({
        meta: { b: '2' },
      });
      expect((await t.request({ method: 'DELETE', url: `${url}/a`, token: admin })).statusCode).toBe(204);
      expect((await t.request({ method: 'GET', url: `${url}/a`, token: admin })).statusCode).toBe(404);
      expect((await t.request({ method: 'GET', url, token: admin })).json().metadata).toEqual({
        b: '2',
        c: '3',
      });
      // Replacing all of it is held to the same quota and lock as the other writes.
      const many = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, 'v']));
      const over = await t.request({ method: 'PUT', url, token: admin, payload: { metadata: many } });
      expect(over.statusCode).toBe(403);
      const put = await t.request({ method: 'PUT', url, token: admin, payload: { metadata: { z: '1' } } });
      expect(put.json()).toEqual({ metadata: { z: '1' } });
      const member = await memberToken(t, admin, 'meta');
      const mine = await bootServer(t, member.token, { name: 'm', imageRef: image, flavorRef: flavor });
      await waitForServer(t, member.token, mine, 'ACTIVE');
      await action(member.token, mine, { lock: null });
      const mineUrl = `/compute/v2.1/servers/${mine}/metadata`;
      const locked = await t.request({
        method: 'PUT',
        url: mineUrl,
        token: member.token,
        payload: { metadata: {} },
      });
      expect(locked.statusCode).toBe(409);
    });

    it('refuses a create over quota with 403 and creates nothing', async () => {
      const member = await memberToken(t, admin, 'q');
      const project = (
        await t.request({
          method: 'GET',
          url: '/identity/v3/auth/tokens',
          token: admin,
          headers: { 'x-subject-token': member.token },
        })
      ).json().token.project.id;
      await t.request({
        method: 'PUT',
        url: `/compute/v2.1/os-quota-sets/${project}`,
        token: admin,
        payload: { quota_set: { instances: 1 } },
      });
      await bootServer(t, member.token, { name: 'one', imageRef: image, flavorRef: flavor });
      const res = await t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token: member.token,
        payload: { server: { name: 'two', imageRef: image, flavorRef: flavor } },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().forbidden.message).toBe(
        'Quota exceeded for instances: Requested 1, but already used 1 of 1 instances',
      );
      expect(
        (await t.request({ method: 'GET', url: '/compute/v2.1/servers', token: member.token })).json()
          .servers,
      ).toHaveLength(1);
      // Multi-create boots as many as fit between min_count and max_count (here 4 of 6), as Nova does.
      await t.request({
        method: 'PUT',
        url: `/compute/v2.1/os-quota-sets/${project}`,
        token: admin,
        payload: { quota_set: { instances: 5 } },
      });
      const multi = (min_count: number) =>
        t.request({
          method: 'POST',
          url: '/compute/v2.1/servers',
          token: member.token,
          payload: { server: { name: 'many', imageRef: image, flavorRef: flavor, min_count, max_count: 6 } },
        });
      const tooMany = await multi(5);
      expect(tooMany.statusCode).toBe(403);
      expect(tooMany.json().forbidden.message).toBe(
        'Quota exceeded for instances: Requested 5, but already used 1 of 5 instances',
      );
      expect((await multi(2)).statusCode).toBe(202);
      const listed = await t.request({ method: 'GET', url: '/compute/v2.1/servers', token: member.token });
      expect(listed.json().servers).toHaveLength(5);
    });

    it('creates a large multi-server request in one call (max_count beyond one INSERT)', async () => {
      const project = (
        await t.request({
          method: 'GET',
          url: '/identity/v3/auth/tokens',
          token: admin,
          headers: { 'x-subject-token': admin },
        })
      ).json().token.project.id;
      await t.request({
        method: 'PUT',
        url: `/compute/v2.1/os-quota-sets/${project}`,
        token: admin,
        payload: { quota_set: { instances: -1, cores: -1, ram: -1 } },
      });
      const tiny = await createFlavor(t, admin, { name: 'nano', vcpus: 1, ram: 1, disk: 0 });
      const res = await t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token: admin,
        payload: {
          server: {
            name: 'many',
            imageRef: image,
            flavorRef: tiny,
            min_count: 700,
            max_count: 700,
            return_reservation_id: true,
          },
        },
      });
      expect(res.statusCode).toBe(202);
      const listed = await t.request({
        method: 'GET',
        url: `/compute/v2.1/servers?reservation_id=${res.json().reservation_id}&limit=1000`,
        token: admin,
      });
      expect(listed.json().servers).toHaveLength(700);
    });

    it("hides another project's server with 404", async () => {
      const member = await memberToken(t, admin, 'other');
      const id = await bootServer(t, admin, { name: 'private', imageRef: image, flavorRef: flavor });
      const res = await t.request({ method: 'GET', url: `/compute/v2.1/servers/${id}`, token: member.token });
      expect(res.statusCode).toBe(404);
      expect(res.json().itemNotFound.message).toBe(`Instance ${id} could not be found.`);
    });
  });
}

async function memberToken(t: TestCloud, admin: string, suffix = 'm'): Promise<{ token: string }> {
  const call = (method: 'POST' | 'PUT' | 'GET', url: string, payload?: object) =>
    t.request({ method, url: `/identity/v3${url}`, token: admin, ...(payload && { payload }) });
  const project = (await call('POST', '/projects', { project: { name: `proj-${suffix}` } })).json().project
    .id;
  const user = (await call('POST', '/users', { user: { name: `user-${suffix}`, password: 'pw' } })).json()
    .user.id;
  const role = (await call('GET', '/roles?name=member')).json().roles[0].id;
  await call('PUT', `/projects/${project}/users/${user}/roles/${role}`);
  return { token: await t.token(`user-${suffix}`, 'pw', { project: { id: project } }) };
}

async function allocationsOf(
  t: TestCloud,
  token: string,
  consumer: string,
): Promise<Record<string, unknown>> {
  const res = await t.request({ method: 'GET', url: `/placement/allocations/${consumer}`, token });
  expect(res.statusCode).toBe(200);
  return res.json().allocations as Record<string, unknown>;
}
