import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas, Refusal } from './compute-api-fixtures.js';
import { computeCaller, createPersonas, expectRefusal } from './compute-api-fixtures.js';

// A valid create body with some fields replaced.
const flavor = (extra: object) => ({ flavor: { name: 'x', ram: 1, vcpus: 1, disk: 0, ...extra } });

for (const dialect of testDialects()) {
  describe(`${dialect}: compute flavors API`, () => {
    let t: TestCloud;
    let p: Personas;
    let call: ReturnType<typeof computeCaller>;
    const names = async (url: string, token: string) =>
      (await call('GET', url, token)).json().flavors.map((f: { name: string }) => f.name) as string[];
    const create = async (body: object) => {
      const res = await call('POST', '/flavors', p.admin, { flavor: body });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().flavor as Record<string, unknown> & { id: string };
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      call = computeCaller(t);
      await create({ name: 'tiny', ram: 512, vcpus: 1, disk: 1, id: 'tiny-1' });
      await create({
        name: 'large',
        ram: 8192,
        vcpus: 4,
        disk: 80,
        swap: 1024,
        'OS-FLV-EXT-DATA:ephemeral': 10,
      });
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
      expect((await call('GET', '/flavors/42', p.admin)).headers['openstack-api-version']).toBe(
        'compute 2.1',
      );
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
      expect(await names('/flavors/detail?minRam=4096', p.member)).toEqual(
        expect.arrayContaining(['large', 'medium']),
      );
      expect(await names('/flavors/detail?minRam=4096', p.member)).toHaveLength(2);
      expect(await names('/flavors?minDisk=50', p.member)).toEqual(['large']);
      const byRam = await names('/flavors?sort_key=memory_mb&sort_dir=desc&minRam=512', p.member);
      expect(byRam.slice(0, 3)).toEqual(['large', 'medium', 'exact']);
      const large = (await call('GET', '/flavors/detail?minDisk=50', p.member)).json().flavors[0];
      expect(large).toMatchObject({ swap: 1024, 'OS-FLV-EXT-DATA:ephemeral': 10, vcpus: 4 });
      const medium = (await call('GET', '/flavors/detail?minRam=4096&sort_key=name', p.member)).json()
        .flavors[1];
      expect(medium).toMatchObject({ name: 'medium', ram: 4096, rxtx_factor: 2.5 });
    });

    it('pages with limit and marker, linking the next page', async () => {
      const first = (await call('GET', '/flavors?limit=2&sort_key=name', p.member)).json();
      expect(first.flavors).toHaveLength(2);
      const next = first.flavors_links[0];
      expect(next.rel).toBe('next');
      expect(next.href).toContain(`marker=${first.flavors[1].id}`);
      const url = new URL(next.href);
      const second = (
        await call(
          'GET',
          `/flavors${url.pathname.endsWith('/detail') ? '/detail' : ''}?${url.searchParams}`,
          p.member,
        )
      ).json();
      expect(second.flavors[0].name > first.flavors[1].name).toBe(true);
      const all = await names('/flavors?sort_key=name', p.member);
      expect([...first.flavors, ...second.flavors].map((f: { name: string }) => f.name)).toEqual(
        all.slice(0, 4),
      );
      const none = (await call('GET', '/flavors?limit=100', p.member)).json();
      expect(none.flavors_links).toBeUndefined();
    });

    it('deletes a flavor with 202, then answers 404 itemNotFound', async () => {
      const f = await create({ name: 'doomed', ram: 64, vcpus: 1, disk: 0 });
      expect((await call('DELETE', `/flavors/${f.id}`, p.admin)).statusCode).toBe(202);
      const res = await call('GET', `/flavors/${f.id}`, p.admin);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({
        itemNotFound: { code: 404, message: `Flavor ${f.id} could not be found.` },
      });
      expect((await call('DELETE', `/flavors/${f.id}`, p.admin)).statusCode).toBe(404);
    });

    const refusals: ReadonlyArray<Refusal> = [
      [
        'a duplicate name',
        'admin',
        'POST /flavors',
        flavor({ name: 'tiny' }),
        409,
        'Flavor with name tiny already exists.',
      ],
      [
        'a duplicate id',
        'admin',
        'POST /flavors',
        flavor({ id: 'tiny-1' }),
        409,
        'Flavor with ID tiny-1 already exists.',
      ],
      [
        'a missing ram',
        'admin',
        'POST /flavors',
        { flavor: { name: 'x', vcpus: 1, disk: 0 } },
        400,
        /'ram' is a required property/,
      ],
      ['zero vcpus', 'admin', 'POST /flavors', flavor({ vcpus: 0 }), 400, /flavor\/vcpus/],
      ['a text ram', 'admin', 'POST /flavors', flavor({ ram: 'lots' }), 400, /flavor\/ram/],
      ['an unknown field', 'admin', 'POST /flavors', flavor({ gpu: 1 }), 400, /'gpu' was unexpected/],
      ['a padded name', 'admin', 'POST /flavors', flavor({ name: ' x' }), 400, /flavor\/name/],
      [
        'a bad is_public',
        'admin',
        'POST /flavors',
        flavor({ 'os-flavor-access:is_public': 'maybe' }),
        400,
        /is_public/,
      ],
      [
        'a member creating',
        'member',
        'POST /flavors',
        flavor({}),
        403,
        'You are not authorized to perform the requested action: os_compute_api:os-flavor-manage:create.',
      ],
      ['a member deleting', 'member', 'DELETE /flavors/tiny-1', undefined, 403, /os-flavor-manage:delete/],
      ['an unknown flavor', 'member', 'GET /flavors/nope', undefined, 404, 'Flavor nope could not be found.'],
      [
        'deleting an unknown flavor',
        'admin',
        'DELETE /flavors/nope',
        undefined,
        404,
        'Flavor nope could not be found.',
      ],
      ['a bad minRam', 'member', 'GET /flavors?minRam=big', undefined, 400, 'Invalid minRam filter [big]'],
      ['a bad sort key', 'member', 'GET /flavors?sort_key=color', undefined, 400, /sort_key/],
      ['an unknown marker', 'member', 'GET /flavors?marker=nope', undefined, 400, 'marker [nope] not found'],
      [
        'a bad is_public filter',
        'admin',
        'GET /flavors?is_public=perhaps',
        undefined,
        400,
        'Invalid is_public filter [perhaps]',
      ],
    ];

    it.each(refusals)('refuses %s and writes nothing', async (...row) => {
      const before = await call('GET', '/flavors/detail?is_public=none', p.admin);
      await expectRefusal(call, p, row);
      expect((await call('GET', '/flavors/detail?is_public=none', p.admin)).body).toBe(before.body);
    });
  });
}
