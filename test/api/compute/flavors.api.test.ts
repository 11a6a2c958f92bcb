import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Method, Personas } from './compute-personas.js';
import { computeCaller, createPersonas } from './compute-personas.js';

interface Row {
  readonly name: string;
  readonly as: keyof Personas;
  readonly method: Method;
  readonly url: string;
  readonly body?: object;
  readonly status: number;
  readonly fault?: string;
  readonly message?: string | RegExp;
}

for (const dialect of testDialects()) {
  describe(`${dialect}: compute flavors API`, () => {
    let t: TestCloud;
    let p: Personas;
    let call: ReturnType<typeof computeCaller>;
    const names = async (url: string, token: string) =>
      (await call('GET', url, token)).json().flavors.map((f: { name: string }) => f.name) as string[];
    const create = async (flavor: object) => {
      const res = await call('POST', '/flavors', p.admin, { flavor });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().flavor as Record<string, unknown> & { id: string };
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      call = computeCaller(t);
      await create({ name: 'tiny', ram: 512, vcpus: 1, disk: 1, id: 'tiny-1' });
      await create({ name: 'large', ram: 8192, vcpus: 4, disk: 80, swap: 1024, 'OS-FLV-EXT-DATA:ephemeral': 10 });
      await create({ name: 'medium', ram: '4096', vcpus: '2', disk: '40', rxtx_factor: 2.5 });
    });
    afterAll(async () => t?.close());

    it('creates a flavor shown exactly as Nova 2.1 shows it', async () => {
      const f = await create({ name: 'exact', ram: 1024, vcpus: 1, disk: 10, id: 42 });
      expect(f).toEqual({
        id: '42',
        name: 'exact',
        ram: 1024,
        disk: 10,
        swap: '',
        'OS-FLV-EXT-DATA:ephemeral': 0,
        'OS-FLV-DISABLED:disabled': false,
        vcpus: 1,
        'os-flavor-access:is_public': true,
        rxtx_factor: 1,
        links: [
          { rel: 'self', href: 'http://localhost:80/compute/v2.1/flavors/42' },
          { rel: 'bookmark', href: 'http://localhost:80/compute/flavors/42' },
        ],
      });
      const shown = await call('GET', '/flavors/42', p.member);
      expect(shown.json().flavor).toEqual(f);
      expect((await call('GET', '/flavors/42', p.admin)).headers['openstack-api-version']).toBe('compute 2.1');
    });

    it('generates a UUID when the id is absent, null or auto', async () => {
      for (const [name, id] of [
        ['auto-1', undefined],
        ['auto-2', null],
        ['auto-3', 'auto'],
      ] as const) {
        const f = await create({ name, ram: 64, vcpus: 1, disk: 0, ...(id !== undefined && { id }) });
        expect(f.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }
    });

    it('lists brief and detailed flavors, filtered and sorted', async () => {
      const brief = (await call('GET', '/flavors', p.member)).json().flavors;
      expect(Object.keys(brief[0]).sort()).toEqual(['id', 'links', 'name']);
      expect(await names('/flavors/detail?minRam=4096', p.member)).toEqual(expect.arrayContaining(['large', 'medium']));
      expect(await names('/flavors/detail?minRam=4096', p.member)).toHaveLength(2);
      expect(await names('/flavors?minDisk=50', p.member)).toEqual(['large']);
      const byRam = await names('/flavors?sort_key=memory_mb&sort_dir=desc&minRam=512', p.member);
      expect(byRam.slice(0, 3)).toEqual(['large', 'medium', 'exact']);
      const large = (await call('GET', '/flavors/detail?minDisk=50', p.member)).json().flavors[0];
      expect(large).toMatchObject({ swap: 1024, 'OS-FLV-EXT-DATA:ephemeral': 10, vcpus: 4 });
      const medium = (await call('GET', '/flavors/detail?minRam=4096&sort_key=name', p.member)).json().flavors[1];
      expect(medium).toMatchObject({ name: 'medium', ram: 4096, rxtx_factor: 2.5 });
    });

    it('pages with limit and marker, linking the next page', async () => {
      const first = (await call('GET', '/flavors?limit=2&sort_key=name', p.member)).json();
      expect(first.flavors).toHaveLength(2);
      const next = first.flavors_links[0];
      expect(next.rel).toBe('next');
      expect(next.href).toContain(`marker=${first.flavors[1].id}`);
      const url = new URL(next.href);
      const second = (await call('GET', `/flavors${url.pathname.endsWith('/detail') ? '/detail' : ''}?${url.searchParams}`, p.member)).json();
      expect(second.flavors[0].name > first.flavors[1].name).toBe(true);
      const all = await names('/flavors?sort_key=name', p.member);
      expect([...first.flavors, ...second.flavors].map((f: { name: string }) => f.name)).toEqual(all.slice(0, 4));
      const none = (await call('GET', '/flavors?limit=100', p.member)).json();
      expect(none.flavors_links).toBeUndefined();
    });

    it('shows private flavors only to admins and projects given access', async () => {
      const priv = await create({ name: 'private', ram: 256, vcpus: 1, disk: 1, 'os-flavor-access:is_public': false });
      expect(priv['os-flavor-access:is_public']).toBe(false);
      expect(await names('/flavors', p.member)).not.toContain('private');
      expect((await call('GET', `/flavors/${priv.id}`, p.member)).statusCode).toBe(404);
      expect(await names('/flavors?is_public=none', p.admin)).toContain('private');
      expect(await names('/flavors?is_public=false', p.admin)).toEqual(['private']);
      expect(await names('/flavors', p.admin)).not.toContain('private');

      const grant = await call('POST', `/flavors/${priv.id}/action`, p.admin, { addTenantAccess: { tenant: p.projectId } });
      expect(grant.statusCode).toBe(200);
      expect(grant.json()).toEqual({ flavor_access: [{ flavor_id: priv.id, tenant_id: p.projectId }] });
      expect(await names('/flavors', p.member)).toContain('private');
      expect((await call('GET', `/flavors/${priv.id}`, p.member)).statusCode).toBe(200);
      expect(await names('/flavors', p.other)).not.toContain('private');
      const again = await call('POST', `/flavors/${priv.id}/action`, p.admin, { addTenantAccess: { tenant: p.projectId } });
      expect(again.statusCode).toBe(409);
      expect(again.json().conflictingRequest.message).toBe(
        `Flavor access already exists for flavor ${priv.id} and project ${p.projectId} combination.`,
      );
      const access = await call('GET', `/flavors/${priv.id}/os-flavor-access`, p.admin);
      expect(access.json().flavor_access).toEqual([{ flavor_id: priv.id, tenant_id: p.projectId }]);

      const revoke = await call('POST', `/flavors/${priv.id}/action`, p.admin, { removeTenantAccess: { tenant: p.projectId } });
      expect(revoke.json()).toEqual({ flavor_access: [] });
      expect((await call('GET', `/flavors/${priv.id}`, p.member)).statusCode).toBe(404);
      const gone = await call('POST', `/flavors/${priv.id}/action`, p.admin, { removeTenantAccess: { tenant: p.projectId } });
      expect(gone.json().itemNotFound.message).toBe(`Flavor access not found for ${priv.id} / ${p.projectId} combination.`);
      const pub = await call('GET', '/flavors/tiny-1/os-flavor-access', p.admin);
      expect(pub.json().itemNotFound.message).toBe('Access list not available for public flavors.');
    });

    it('manages extra specs', async () => {
      const url = '/flavors/tiny-1/os-extra_specs';
      const set = await call('POST', url, p.admin, { extra_specs: { 'hw:cpu_policy': 'dedicated', 'quota:vif': 5 } });
      expect(set.statusCode).toBe(200);
      expect(set.json()).toEqual({ extra_specs: { 'hw:cpu_policy': 'dedicated', 'quota:vif': 5 } });
      expect((await call('GET', url, p.member)).json()).toEqual({
        extra_specs: { 'hw:cpu_policy': 'dedicated', 'quota:vif': '5' },
      });
      expect((await call('GET', `${url}/hw:cpu_policy`, p.reader)).json()).toEqual({ 'hw:cpu_policy': 'dedicated' });
      const put = await call('PUT', `${url}/hw:cpu_policy`, p.admin, { 'hw:cpu_policy': 'shared' });
      expect(put.json()).toEqual({ 'hw:cpu_policy': 'shared' });
      const mismatch = await call('PUT', `${url}/hw:cpu_policy`, p.admin, { other: 'x' });
      expect(mismatch.json().badRequest.message).toBe('Request body and URI mismatch');
      expect((await call('DELETE', `${url}/quota:vif`, p.admin)).statusCode).toBe(200);
      const missing = await call('GET', `${url}/quota:vif`, p.admin);
      expect(missing.statusCode).toBe(404);
      expect(missing.json().itemNotFound.message).toBe('Flavor tiny-1 has no extra specs with key quota:vif.');
      expect((await call('GET', url, p.admin)).json().extra_specs).toEqual({ 'hw:cpu_policy': 'shared' });
    });

    it('deletes a flavor with 202, then answers 404 itemNotFound', async () => {
      const f = await create({ name: 'doomed', ram: 64, vcpus: 1, disk: 0 });
      expect((await call('DELETE', `/flavors/${f.id}`, p.admin)).statusCode).toBe(202);
      const res = await call('GET', `/flavors/${f.id}`, p.admin);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ itemNotFound: { code: 404, message: `Flavor ${f.id} could not be found.` } });
      expect((await call('DELETE', `/flavors/${f.id}`, p.admin)).statusCode).toBe(404);
    });

    const rows: ReadonlyArray<Row> = [
      { name: 'duplicate name', as: 'admin', method: 'POST', url: '/flavors', body: { flavor: { name: 'tiny', ram: 1, vcpus: 1, disk: 0 } }, status: 409, fault: 'conflictingRequest', message: 'Flavor with name tiny already exists.' },
      { name: 'duplicate id', as: 'admin', method: 'POST', url: '/flavors', body: { flavor: { name: 'x1', id: 'tiny-1', ram: 1, vcpus: 1, disk: 0 } }, status: 409, fault: 'conflictingRequest', message: 'Flavor with ID tiny-1 already exists.' },
      { name: 'missing ram', as: 'admin', method: 'POST', url: '/flavors', body: { flavor: { name: 'x2', vcpus: 1, disk: 0 } }, status: 400, fault: 'badRequest', message: /'ram' is a required property/ },
      { name: 'zero vcpus', as: 'admin', method: 'POST', url: '/flavors', body: { flavor: { name: 'x3', ram: 1, vcpus: 0, disk: 0 } }, status: 400, fault: 'badRequest', message: /flavor\/vcpus/ },
      { name: 'text ram', as: 'admin', method: 'POST', url: '/flavors', body: { flavor: { name: 'x4', ram: 'lots', vcpus: 1, disk: 0 } }, status: 400, fault: 'badRequest', message: /flavor\/ram/ },
      { name: 'unknown field', as: 'admin', method: 'POST', url: '/flavors', body: { flavor: { name: 'x5', ram: 1, vcpus: 1, disk: 0, gpu: 1 } }, status: 400, fault: 'badRequest', message: /'gpu' was unexpected/ },
      { name: 'padded name', as: 'admin', method: 'POST', url: '/flavors', body: { flavor: { name: ' x6', ram: 1, vcpus: 1, disk: 0 } }, status: 400, fault: 'badRequest', message: /flavor\/name/ },
      { name: 'bad is_public', as: 'admin', method: 'POST', url: '/flavors', body: { flavor: { name: 'x7', ram: 1, vcpus: 1, disk: 0, 'os-flavor-access:is_public': 'maybe' } }, status: 400, fault: 'badRequest', message: /is_public/ },
      { name: 'member creates', as: 'member', method: 'POST', url: '/flavors', body: { flavor: { name: 'x8', ram: 1, vcpus: 1, disk: 0 } }, status: 403, fault: 'forbidden', message: 'You are not authorized to perform the requested action: os_compute_api:os-flavor-manage:create.' },
      { name: 'member deletes', as: 'member', method: 'DELETE', url: '/flavors/tiny-1', status: 403, fault: 'forbidden' },
      { name: 'member sets specs', as: 'member', method: 'POST', url: '/flavors/tiny-1/os-extra_specs', body: { extra_specs: { a: 'b' } }, status: 403, fault: 'forbidden' },
      { name: 'member grants access', as: 'member', method: 'POST', url: '/flavors/tiny-1/action', body: { addTenantAccess: { tenant: 'x' } }, status: 403, fault: 'forbidden' },
      { name: 'member reads access list', as: 'member', method: 'GET', url: '/flavors/tiny-1/os-flavor-access', status: 403, fault: 'forbidden' },
      { name: 'bad spec key', as: 'admin', method: 'POST', url: '/flavors/tiny-1/os-extra_specs', body: { extra_specs: { 'a/b': 'c' } }, status: 400, fault: 'badRequest', message: /'a\/b' was unexpected/ },
      { name: 'two actions', as: 'admin', method: 'POST', url: '/flavors/tiny-1/action', body: { addTenantAccess: { tenant: 'a' }, removeTenantAccess: { tenant: 'a' } }, status: 400, fault: 'badRequest' },
      { name: 'unknown flavor', as: 'member', method: 'GET', url: '/flavors/nope', status: 404, fault: 'itemNotFound', message: 'Flavor nope could not be found.' },
      { name: 'specs of unknown flavor', as: 'admin', method: 'POST', url: '/flavors/nope/os-extra_specs', body: { extra_specs: { a: 'b' } }, status: 404, fault: 'itemNotFound' },
      { name: 'bad minRam', as: 'member', method: 'GET', url: '/flavors?minRam=big', status: 400, fault: 'badRequest', message: 'Invalid minRam filter [big]' },
      { name: 'bad sort key', as: 'member', method: 'GET', url: '/flavors?sort_key=color', status: 400, fault: 'badRequest', message: /sort_key/ },
      { name: 'unknown marker', as: 'member', method: 'GET', url: '/flavors?marker=nope', status: 400, fault: 'badRequest', message: 'marker [nope] not found' },
      { name: 'bad is_public filter', as: 'admin', method: 'GET', url: '/flavors?is_public=perhaps', status: 400, fault: 'badRequest', message: 'Invalid is_public filter [perhaps]' },
    ];

    it.each(rows)('refuses: $name', async (r) => {
      const before = await names('/flavors?is_public=none', p.admin);
      const res = await call(r.method, r.url, p[r.as], r.body);
      expect(res.statusCode, res.body).toBe(r.status);
      const body = res.json();
      if (r.fault !== undefined) expect(body[r.fault].code).toBe(r.status);
      if (typeof r.message === 'string') expect(body[r.fault!].message).toBe(r.message);
      if (r.message instanceof RegExp) expect(body[r.fault!].message).toMatch(r.message);
      expect(await names('/flavors?is_public=none', p.admin)).toEqual(before);
    });
  });
}
