import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from './image-fixtures.js';
import { imageClient, projectUser, startImageCloud } from './image-fixtures.js';

const tail = '<br /><br />\n\n\n';

for (const dialect of testDialects()) {
  describe(`${dialect}: image list API`, () => {
    let t: TestCloud;
    let admin: string;
    let alice: ProjectUser;
    let api: ReturnType<typeof imageClient>;
    const ids: Record<string, string> = {};
    const names = async (query: string, token = alice.token): Promise<string[]> => {
      const res = await api.call('GET', `/v2/images${query}`, token);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().images.map((i: { name: string }) => i.name);
    };

    beforeAll(async () => {
      t = await startImageCloud(dialect);
      admin = await t.adminToken();
      api = imageClient(t);
      alice = await projectUser(t, admin, 'alice');
      const rows: ReadonlyArray<[string, Record<string, unknown>, number?]> = [
        ['a-raw', { disk_format: 'raw', tags: ['linux', 'x86'], os_distro: 'debian' }, 10],
        ['b-qcow', { disk_format: 'qcow2', tags: ['linux'] }, 300],
        ['c-iso', { disk_format: 'iso', container_format: 'bare', protected: true }, 50],
        ['d-hidden', { os_hidden: true }],
        ['e-private', { visibility: 'private', os_distro: 'debian' }],
        ['f-community', { visibility: 'community' }],
        ['g-ovf', { container_format: 'ovf', min_ram: 512 }],
      ];
      for (const [name, body, size] of rows) {
        t.clock.advance(1000);
        const id = (await api.create(alice.token, { name, ...body })).id as string;
        ids[name] = id;
        if (size !== undefined)
          expect((await api.upload(alice.token, id, Buffer.alloc(size, 1))).statusCode).toBe(204);
      }
    });
    afterAll(async () => t?.close());

    it('lists newest first, leaving out hidden images', async () => {
      expect(await names('')).toEqual(['g-ovf', 'f-community', 'e-private', 'c-iso', 'b-qcow', 'a-raw']);
    });

    const filters: ReadonlyArray<[string, string[]]> = [
      ['?name=b-qcow', ['b-qcow']],
      ['?name=in:a-raw,"c-iso"', ['c-iso', 'a-raw']],
      ['?status=queued', ['g-ovf', 'f-community', 'e-private']],
      ['?status=in:active', ['c-iso', 'b-qcow', 'a-raw']],
      ['?disk_format=qcow2', ['b-qcow']],
      ['?container_format=ovf', ['g-ovf']],
      ['?visibility=private', ['e-private']],
      ['?visibility=community', ['f-community']],
      ['?size_min=50', ['c-iso', 'b-qcow']],
      ['?size_max=50', ['c-iso', 'a-raw']],
      ['?size_min=20&size_max=100', ['c-iso']],
      ['?tag=linux', ['b-qcow', 'a-raw']],
      ['?tag=linux&tag=x86', ['a-raw']],
      ['?os_hidden=true', ['d-hidden']],
      ['?protected=true', ['c-iso']],
      ['?os_distro=debian', ['e-private', 'a-raw']],
      ['?min_ram=512', ['g-ovf']],
      ['?no_such_property=1', []],
    ];
    for (const [query, expected] of filters) {
      it(`filters ${query}`, async () => {
        expect(await names(query)).toEqual(expected);
      });
    }

    it('filters by id with in:', async () => {
      expect(await names(`?id=in:${ids['a-raw']},${ids['g-ovf']}`)).toEqual(['g-ovf', 'a-raw']);
      expect(await names(`?owner=${alice.projectId}&limit=2`)).toEqual(['g-ovf', 'f-community']);
    });

    it('sorts with sort_key/sort_dir and with sort=key:dir', async () => {
      expect(await names('?sort_key=name&sort_dir=asc')).toEqual([
        'a-raw',
        'b-qcow',
        'c-iso',
        'e-private',
        'f-community',
        'g-ovf',
      ]);
      expect(await names('?sort=size:desc,name:asc&status=active')).toEqual(['b-qcow', 'c-iso', 'a-raw']);
      expect(await names('?sort_key=disk_format&sort_key=name&sort_dir=desc&sort_dir=asc')).toEqual([
        'a-raw',
        'e-private',
        'f-community',
        'g-ovf',
        'b-qcow',
        'c-iso',
      ]);
      expect(await names('?sort=name')).toEqual([
        'g-ovf',
        'f-community',
        'e-private',
        'c-iso',
        'b-qcow',
        'a-raw',
      ]);
    });

    it('pages with limit, marker and a next link until the list is done', async () => {
      const first = (
        await api.call('GET', '/v2/images?limit=2&sort_key=name&sort_dir=asc', alice.token)
      ).json();
      expect(first.images.map((i: { name: string }) => i.name)).toEqual(['a-raw', 'b-qcow']);
      expect(first.first).toBe('/v2/images?limit=2&sort_key=name&sort_dir=asc');
      expect(first.next).toBe(`/v2/images?limit=2&sort_key=name&sort_dir=asc&marker=${ids['b-qcow']}`);
      const seen: string[] = [];
      let next: string | undefined = '/v2/images?limit=2&sort_key=name&sort_dir=asc';
      while (next !== undefined) {
        const page: { images: Array<{ name: string }>; next?: string } = (
          await api.call('GET', next, alice.token)
        ).json();
        seen.push(...page.images.map((i: { name: string }) => i.name));
        next = page.next;
      }
      expect(seen).toEqual(['a-raw', 'b-qcow', 'c-iso', 'e-private', 'f-community', 'g-ovf']);
      const byDate = await names(`?limit=3&marker=${ids['e-private']}`);
      expect(byDate).toEqual(['c-iso', 'b-qcow', 'a-raw']);
      const bySize = await names(`?sort_key=size&sort_dir=asc&marker=${ids['a-raw']}&status=active`);
      expect(bySize).toEqual(['c-iso', 'b-qcow']);
    });

    it('shows community images of other projects only when asked for, public ones always', async () => {
      const bob = await projectUser(t, admin, 'bob');
      const pub = (await api.create(admin, { name: 'z-public', visibility: 'public' })).id as string;
      expect(await names('', bob.token)).toEqual(['z-public']);
      expect(await names('?visibility=community', bob.token)).toEqual(['f-community']);
      expect((await api.show(bob.token, ids['f-community']!)).statusCode).toBe(200);
      expect(await names('?visibility=all&sort_key=name&sort_dir=asc', bob.token)).toEqual([
        'f-community',
        'z-public',
      ]);
      expect((await names('?sort_key=name&sort_dir=asc', admin)).length).toBe(6);
      expect(
        await names('?visibility=all&sort_key=name&sort_dir=asc&name=in:d-hidden,e-private,z-public', admin),
      ).toEqual(['e-private', 'z-public']);
      await api.call('DELETE', `/v2/images/${pub}`, admin);
    });

    const bad: ReadonlyArray<[string, string]> = [
      [
        '?os_hidden=maybe',
        "Invalid value 'maybe' for 'os_hidden' filter. Valid values are 'true' or 'false'.",
      ],
      ['?protected=yes', "Invalid value 'yes' for 'protected' filter. Valid values are 'true' or 'false'."],
      [
        '?sort_key=owner',
        'Invalid sort key: owner. It must be one of the following: name, status, container_format, disk_format, size, id, created_at, updated_at.',
      ],
      ['?sort_dir=up', 'Invalid sort direction: up'],
      ['?sort=name&sort_key=size', 'Old and new sorting syntax cannot be combined'],
      [
        '?sort_key=name&sort_key=size&sort_dir=asc&sort_dir=desc&sort_dir=asc',
        'Number of sort dirs does not match the number of sort keys',
      ],
      ['?limit=-1', 'limit param must be positive'],
      ['?limit=ten', 'limit param must be an integer'],
      [
        '?marker=00000000-0000-0000-0000-000000000000',
        'No image found with ID 00000000-0000-0000-0000-000000000000',
      ],
      ['?name=like:a', "Unable to filter by unknown operator 'like'."],
      ['?size_min=big', 'Unable to filter on a range with a non-numeric value.'],
      ['?member_status=maybe', 'Invalid status: maybe'],
      ['?visibility=everyone', 'Invalid visibility value: everyone'],
      ['?changes-since=2020-01-01', 'The "changes-since" filter is no longer available on v2.'],
    ];
    for (const [query, message] of bad) {
      it(`refuses ${query} with 400`, async () => {
        const res = await api.call('GET', `/v2/images${query}`, alice.token);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({
          message: `${message}${tail}`,
          code: '400 Bad Request',
          title: 'Bad Request',
        });
      });
    }
  });
}
