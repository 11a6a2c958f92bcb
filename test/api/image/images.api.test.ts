import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from './image-fixtures.js';
import { imageClient, patchType, projectUser, startImageCloud } from './image-fixtures.js';

const tail = '<br /><br />\n\n\n';

for (const dialect of testDialects()) {
  describe(`${dialect}: image API`, () => {
    let t: TestCloud;
    let admin: string;
    let alice: ProjectUser;
    let bob: ProjectUser;
    let api: ReturnType<typeof imageClient>;
    beforeAll(async () => {
      t = await startImageCloud(dialect);
      admin = await t.adminToken();
      api = imageClient(t);
      alice = await projectUser(t, admin, 'alice');
      bob = await projectUser(t, admin, 'bob');
    });
    afterAll(async () => t?.close());

    it('discovers the v2 API at /image and /image/versions without a token', async () => {
      const root = await t.request({ method: 'GET', url: '/image' });
      expect(root.statusCode).toBe(300);
      expect(root.json().versions[0]).toEqual({
        id: 'v2.15',
        status: 'CURRENT',
        links: [{ rel: 'self', href: 'http://localhost:80/image/v2/' }],
      });
      expect(root.json().versions.map((v: { id: string }) => v.id)).toContain('v2.0');
      const explicit = await t.request({ method: 'GET', url: '/image/versions' });
      expect(explicit.statusCode).toBe(200);
      expect(explicit.json()).toEqual(root.json());
    });

    it('answers a request without a token as keystonemiddleware does', async () => {
      const res = await t.request({ method: 'GET', url: '/image/v2/images' });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Keystone uri="http://localhost:80/identity"');
      expect(res.json()).toEqual({
        error: {
          code: 401,
          title: 'Unauthorized',
          message: 'The request you have made requires authentication.',
        },
      });
    });

    it('creates, shows and lists an image with properties and tags', async () => {
      const res = await api.call('POST', '/v2/images', alice.token, {
        name: 'cirros',
        disk_format: 'qcow2',
        container_format: 'bare',
        tags: ['x', 'y', 'x'],
        min_ram: 64,
        os_distro: 'cirros',
      });
      expect(res.statusCode).toBe(201);
      const image = res.json();
      expect(res.headers['location']).toBe(`http://localhost:80/image/v2/images/${image.id}`);
      expect(res.headers['openstack-image-import-methods']).toBe('glance-direct');
      expect(image).toMatchObject({
        name: 'cirros',
        status: 'queued',
        visibility: 'shared',
        owner: alice.projectId,
        protected: false,
        os_hidden: false,
        size: null,
        checksum: null,
        min_ram: 64,
        min_disk: 0,
        os_distro: 'cirros',
        tags: ['x', 'y'],
        self: `/v2/images/${image.id}`,
        file: `/v2/images/${image.id}/file`,
        schema: '/v2/schemas/image',
      });
      expect(image.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect((await api.show(alice.token, image.id)).json()).toEqual(image);
      const list = (await api.call('GET', '/v2/images', alice.token)).json();
      expect(list.images.map((i: { id: string }) => i.id)).toContain(image.id);
      expect(list).toMatchObject({ first: '/v2/images', schema: '/v2/schemas/images' });
    });

    it('takes the id a client chooses, once', async () => {
      const id = '2b9e6a3c-4c4d-4a57-9c2e-0c5d3f1e9a11';
      expect((await api.create(alice.token, { id })).id).toBe(id);
      const again = await api.call('POST', '/v2/images', alice.token, { id });
      expect(again.statusCode).toBe(409);
      expect(again.json().message).toBe(`Image ID ${id} already exists!${tail}`);
    });

    const badCreates: ReadonlyArray<{
      name: string;
      body: unknown;
      status: number;
      message: string | RegExp;
    }> = [
      {
        name: 'an unknown disk_format, naming the field',
        body: { name: 'x', disk_format: 'floppy' },
        status: 400,
        message:
          /^Provided object does not match schema 'image': 'floppy' is not one of \[None, 'ami', .*'ploop'\]\n\nFailed validating 'enum' in schema\['properties'\]\['disk_format'\]/,
      },
      {
        name: 'an unknown container_format',
        body: { container_format: 'zip' },
        status: 400,
        message: /'zip' is not one of .*\['container_format'\]/s,
      },
      {
        name: 'a name of 256 characters',
        body: { name: 'n'.repeat(256) },
        status: 400,
        message: /is too long/,
      },
      {
        name: 'a non-integer min_ram',
        body: { min_ram: 1.5 },
        status: 400,
        message: /1.5 is not of type 'integer'/,
      },
      {
        name: 'a non-string property',
        body: { color: 3 },
        status: 400,
        message: /3 is not of type 'string'.*additionalProperties/s,
      },
      {
        name: 'a negative min_disk',
        body: { min_disk: -1 },
        status: 400,
        message: "Invalid value '-1' for parameter 'min_disk': Cannot be a negative value",
      },
      {
        name: 'a read-only attribute',
        body: { status: 'active' },
        status: 403,
        message: "Attribute 'status' is read-only.",
      },
      {
        name: 'a link attribute',
        body: { self: '/x' },
        status: 403,
        message: "Attribute 'self' is read-only.",
      },
      {
        name: 'a reserved attribute',
        body: { deleted: 'true' },
        status: 403,
        message: "Attribute 'deleted' is reserved.",
      },
      {
        name: 'a reserved namespace',
        body: { os_glance_x: 'y' },
        status: 403,
        message: "Attribute 'os_glance_x' is reserved.",
      },
      {
        name: 'publicizing as a member',
        body: { visibility: 'public' },
        status: 403,
        message: 'You are not authorized to perform the requested action: publicize_image.',
      },
      {
        name: 'another owner',
        body: { owner: 'someone-else' },
        status: 403,
        message: 'You are not authorized to perform the requested action: add_image.',
      },
      { name: 'malformed JSON', body: '{"name": ', status: 400, message: 'Malformed JSON in request body.' },
    ];
    for (const row of badCreates) {
      it(`refuses ${row.name} with ${row.status} and creates nothing`, async () => {
        const before = await api.count(alice.token);
        const res = await api.call('POST', '/v2/images', alice.token, row.body, {
          'content-type': 'application/json',
        });
        expect(res.statusCode, res.body).toBe(row.status);
        const message = (res.json().message as string).replace(tail, '');
        if (typeof row.message === 'string') expect(message).toBe(row.message);
        else expect(message).toMatch(row.message);
        expect(res.json().title).toBe(row.status === 400 ? 'Bad Request' : 'Forbidden');
        expect(await api.count(alice.token)).toBe(before);
      });
    }

    it('renders faults as webob does for the Accept header the client sent', async () => {
      const url = '/image/v2/images/00000000-0000-0000-0000-000000000000';
      const json = await t.request({
        method: 'GET',
        url,
        token: alice.token,
        headers: { accept: 'application/json' },
      });
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      expect(json.json()).toEqual({
        message: `No image found with ID 00000000-0000-0000-0000-000000000000${tail}`,
        code: '404 Not Found',
        title: 'Not Found',
      });
      const plain = await t.request({ method: 'GET', url, token: alice.token });
      expect(plain.headers['content-type']).toMatch(/^text\/plain/);
      expect(plain.body).toBe(
        '404 Not Found\n\nNo image found with ID 00000000-0000-0000-0000-000000000000\n\n   ',
      );
      const html = await t.request({ method: 'GET', url, token: alice.token, headers: { accept: '*/*' } });
      expect(html.headers['content-type']).toMatch(/^text\/html/);
      expect(html.body).toContain(
        '<h1>404 Not Found</h1>\n  No image found with ID 00000000-0000-0000-0000-000000000000<br /><br />',
      );
    });

    it.each(['GET', 'DELETE', 'PATCH', 'PUT'] as const)(
      'answers %s /v2/images/ (an empty id) 404 as Glance, changing nothing',
      async (method) => {
        const before = (await api.call('GET', '/v2/images', alice.token)).json().images.length as number;
        for (const url of ['/image/v2/images/', '/image/v2/images/?limit=1']) {
          const res = await t.request({
            method,
            url,
            token: alice.token,
            headers: { accept: 'application/json' },
          });
          expect(res.statusCode, `${method} ${url}`).toBe(404);
          expect(res.json()).toEqual({
            message: `The resource could not be found.${tail}`,
            code: '404 Not Found',
            title: 'Not Found',
          });
        }
        expect((await api.call('GET', '/v2/images', alice.token)).json().images.length).toBe(before);
      },
    );

    it('hides another project’s private image behind a 404 and shows public ones', async () => {
      const priv = await api.create(alice.token, { name: 'secret', visibility: 'private' });
      const res = await api.show(bob.token, priv.id as string);
      expect(res.statusCode).toBe(404);
      expect(res.json().message).toBe(`No image found with ID ${priv.id}${tail}`);
      expect((await api.call('DELETE', `/v2/images/${priv.id}`, bob.token)).statusCode).toBe(404);
      expect((await api.patch(bob.token, priv.id as string, [])).statusCode).toBe(404);
      const pub = await api.create(admin, { name: 'public-one', visibility: 'public' });
      expect((await api.show(bob.token, pub.id as string)).statusCode).toBe(200);
      const change = await api.patch(bob.token, pub.id as string, [
        { op: 'replace', path: '/name', value: 'mine' },
      ]);
      expect(change.statusCode).toBe(403);
      expect((await api.show(admin, pub.id as string)).json().name).toBe('public-one');
      expect((await api.show(admin, priv.id as string)).statusCode).toBe(200);
    });

    it('updates with a JSON patch: properties and core attributes', async () => {
      const image = await api.create(alice.token, { name: 'p', color: 'red', shade: 'dark' });
      const res = await api.patch(alice.token, image.id as string, [
        { op: 'add', path: '/flavor', value: 'mint' },
        { op: 'replace', path: '/color', value: 'blue' },
        { op: 'remove', path: '/shade' },
        { op: 'replace', path: '/name', value: 'q' },
        { op: 'replace', path: '/tags', value: ['b', 'a'] },
        { op: 'add', path: '/min_disk', value: 2 },
        { op: 'replace', path: '/visibility', value: 'private' },
        { op: 'replace', path: '/protected', value: true },
        { op: 'replace', path: '/disk_format', value: 'qcow2' },
      ]);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        name: 'q',
        color: 'blue',
        flavor: 'mint',
        tags: ['a', 'b'],
        min_disk: 2,
        visibility: 'private',
        protected: true,
        disk_format: 'qcow2',
      });
      expect(res.json().shade).toBeUndefined();
      expect((await api.show(alice.token, image.id as string)).json()).toEqual(res.json());
    });

    const badPatches: ReadonlyArray<{
      name: string;
      ops: unknown;
      status: number;
      message: string | RegExp;
    }> = [
      {
        name: 'a read-only path',
        ops: [{ op: 'replace', path: '/status', value: 'active' }],
        status: 403,
        message: "Attribute 'status' is read-only.",
      },
      {
        name: 'a reserved path',
        ops: [{ op: 'add', path: '/os_glance_lock', value: 'x' }],
        status: 403,
        message: "Attribute 'os_glance_lock' is reserved.",
      },
      {
        name: 'replacing a missing property',
        ops: [{ op: 'replace', path: '/nope', value: 'x' }],
        status: 409,
        message: 'Property nope does not exist.',
      },
      {
        name: 'removing a missing property',
        ops: [{ op: 'remove', path: '/nope' }],
        status: 409,
        message: 'Property nope does not exist.',
      },
      {
        name: 'removing a core attribute',
        ops: [{ op: 'remove', path: '/name' }],
        status: 403,
        message: 'Property name may not be removed.',
      },
      {
        name: 'a pointer without /',
        ops: [{ op: 'add', path: 'name', value: 'x' }],
        status: 400,
        message: 'Pointer `name` does not start with "/".',
      },
      {
        name: 'a deep pointer',
        ops: [{ op: 'add', path: '/a/b', value: 'x' }],
        status: 400,
        message: "Invalid JSON pointer for this resource: '/a/b'",
      },
      {
        name: 'an unknown op',
        ops: [{ op: 'move', path: '/name' }],
        status: 400,
        message: 'Invalid operation: `move`. It must be one of the following: add, remove, replace.',
      },
      {
        name: 'a missing value',
        ops: [{ op: 'add', path: '/x' }],
        status: 400,
        message: 'Operation "add" requires a member named "value".',
      },
      {
        name: 'a bad disk_format',
        ops: [{ op: 'replace', path: '/disk_format', value: 'floppy' }],
        status: 400,
        message: /'floppy' is not one of/,
      },
      {
        name: 'a body that is not a list',
        ops: { op: 'add' },
        status: 400,
        message: 'Request body must be a JSON array of operation objects.',
      },
      {
        name: 'a valid change before an invalid one',
        ops: [
          { op: 'add', path: '/new', value: 'x' },
          { op: 'replace', path: '/nope', value: 'x' },
        ],
        status: 409,
        message: 'Property nope does not exist.',
      },
      {
        name: 'making the image public as a member',
        ops: [{ op: 'replace', path: '/visibility', value: 'public' }],
        status: 403,
        message: 'You are not authorized to perform the requested action: publicize_image.',
      },
      {
        name: 'changing the owner as a member',
        ops: [{ op: 'replace', path: '/owner', value: 'x' }],
        status: 403,
        message: "Owner can't be updated by non admin.",
      },
    ];
    for (const row of badPatches) {
      it(`refuses a patch with ${row.name} (${row.status}) and changes nothing`, async () => {
        const image = await api.create(alice.token, { name: 'keep', color: 'red' });
        const res = await api.patch(alice.token, image.id as string, row.ops);
        expect(res.statusCode, res.body).toBe(row.status);
        const message = (res.json().message as string).replace(tail, '');
        if (typeof row.message === 'string') expect(message).toBe(row.message);
        else expect(message).toMatch(row.message);
        expect((await api.show(alice.token, image.id as string)).json()).toEqual(image);
      });
    }

    it('refuses a patch in another media type with 415 and Accept-Patch', async () => {
      const image = await api.create(alice.token);
      const res = await api.call('PATCH', `/v2/images/${image.id}`, alice.token, [
        { op: 'add', path: '/a', value: 'b' },
      ]);
      expect(res.statusCode).toBe(415);
      expect(res.headers['accept-patch']).toBe(
        'application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch',
      );
      const d4 = await api.call(
        'PATCH',
        `/v2/images/${image.id}`,
        alice.token,
        JSON.stringify([{ add: '/a', value: 'b' }]),
        {
          'content-type': 'application/openstack-images-v2.0-json-patch',
        },
      );
      expect(d4.json().a).toBe('b');
      const again = await api.call(
        'PATCH',
        `/v2/images/${image.id}`,
        alice.token,
        JSON.stringify([{ add: '/a', value: 'c' }]),
        {
          'content-type': 'application/openstack-images-v2.0-json-patch',
        },
      );
      expect(again.statusCode).toBe(409);
      expect(patchType).toMatch(/v2\.1/);
    });

    it('adds and removes tags one at a time', async () => {
      const image = await api.create(alice.token);
      const id = image.id as string;
      expect((await api.call('PUT', `/v2/images/${id}/tags/blue%20sky`, alice.token)).statusCode).toBe(204);
      expect((await api.call('PUT', `/v2/images/${id}/tags/blue%20sky`, alice.token)).statusCode).toBe(204);
      expect((await api.call('PUT', `/v2/images/${id}/tags/z`, alice.token)).statusCode).toBe(204);
      expect((await api.show(alice.token, id)).json().tags).toEqual(['blue sky', 'z']);
      expect((await api.call('DELETE', `/v2/images/${id}/tags/z`, alice.token)).statusCode).toBe(204);
      const missing = await api.call('DELETE', `/v2/images/${id}/tags/z`, alice.token);
      expect(missing.statusCode).toBe(404);
      // Fastify's router refuses URL parameters over 100 characters, so long tags go by PATCH.
      const long = await api.patch(alice.token, id, [
        { op: 'replace', path: '/tags', value: ['t'.repeat(256)] },
      ]);
      expect(long.statusCode).toBe(400);
      expect((await api.call('PUT', `/v2/images/${id}/tags/x`, bob.token)).json().message).toBe(
        `Image ${id} not found.${tail}`,
      );
      expect((await api.show(alice.token, id)).json().tags).toEqual(['blue sky']);
    });

    it('refuses to delete a protected image with 403 and keeps it', async () => {
      const image = await api.create(alice.token, { protected: true });
      const id = image.id as string;
      const res = await api.call('DELETE', `/v2/images/${id}`, alice.token);
      expect(res.statusCode).toBe(403);
      expect(res.json().message).toBe(`Image ${id} is protected and cannot be deleted.${tail}`);
      expect((await api.show(alice.token, id)).json().status).toBe('queued');
      await api.patch(alice.token, id, [{ op: 'replace', path: '/protected', value: false }]);
      expect((await api.call('DELETE', `/v2/images/${id}`, alice.token)).statusCode).toBe(204);
      expect((await api.show(alice.token, id)).statusCode).toBe(404);
      const again = await api.call('DELETE', `/v2/images/${id}`, alice.token);
      expect(again.statusCode).toBe(404);
      expect(again.json().message).toBe(`Failed to find image ${id} to delete${tail}`);
      expect((await api.call('POST', '/v2/images', alice.token, { id })).statusCode).toBe(409);
    });

    it('refuses a reader’s writes but lets it read', async () => {
      const reader = await projectUser(t, admin, 'rita', 'reader');
      const mine = await api.create(admin, { owner: reader.projectId, name: 'for-rita' });
      expect((await api.show(reader.token, mine.id as string)).statusCode).toBe(200);
      const create = await api.call('POST', '/v2/images', reader.token, { name: 'nope' });
      expect(create.statusCode).toBe(403);
      const del = await api.call('DELETE', `/v2/images/${mine.id}`, reader.token);
      expect(del.statusCode).toBe(403);
      expect(del.json().message).toBe(
        `You are not authorized to perform the requested action: delete_image.${tail}`,
      );
    });

    it('publishes the image and member schemas glanceclient reads', async () => {
      const image = (await api.call('GET', '/v2/schemas/image', alice.token)).json();
      expect(image.name).toBe('image');
      expect(image.additionalProperties).toEqual({ type: 'string' });
      expect(image.properties.disk_format).toMatchObject({
        type: ['null', 'string'],
        enum: [null, 'ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'],
      });
      expect(image.properties.container_format.enum).toEqual([
        null,
        'ami',
        'ari',
        'aki',
        'bare',
        'ovf',
        'ova',
        'docker',
        'compressed',
      ]);
      expect(image.properties.status.readOnly).toBe(true);
      expect(image.links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'enclosure', 'describedby']);
      const images = (await api.call('GET', '/v2/schemas/images', alice.token)).json();
      expect(images.properties.images.items.properties.name.maxLength).toBe(255);
      expect(images.properties.next).toEqual({ type: 'string' });
      const member = (await api.call('GET', '/v2/schemas/member', alice.token)).json();
      expect(member.properties.status.enum).toEqual(['pending', 'accepted', 'rejected']);
      const members = (await api.call('GET', '/v2/schemas/members', alice.token)).json();
      expect(members.properties.members.items.name).toBe('member');
    });

    it('describes the import methods and has no multiple stores', async () => {
      expect((await api.call('GET', '/v2/info/import', alice.token)).json()).toEqual({
        'import-methods': {
          description: 'Import methods available.',
          type: 'array',
          value: ['glance-direct'],
        },
      });
      const stores = await api.call('GET', '/v2/info/stores', alice.token);
      expect(stores.statusCode).toBe(404);
      expect(stores.json().message).toBe(`Multi backend is not supported at this site.${tail}`);
    });
  });
}
