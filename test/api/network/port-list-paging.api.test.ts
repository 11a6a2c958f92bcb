import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from '../image/image-fixtures.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

/**
 * `GET /v2.0/ports` pages in SQL when filters and sort keys are columns. An attribute the
 * ports do not have is ignored as a filter but sends the list down the in-memory path, so
 * every query here is asked both ways and must get the same ports, in the same order,
 * with the same links.
 */
const inMemory = 'not_an_attribute=x';

interface Page {
  ports: Array<Record<string, unknown>>;
  ports_links?: Array<{ rel: string; href: string }>;
}

/** Links as rel → query (without the in-memory switch), comparable across the two paths. */
function links(page: Page): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of page.ports_links ?? []) {
    const u = new URL(l.href);
    u.searchParams.delete('not_an_attribute');
    out[l.rel] = u.searchParams.toString();
  }
  return out;
}

for (const dialect of testDialects()) {
  describe(`${dialect}: port lists paged in SQL`, () => {
    let t: TestCloud;
    let admin: string;
    let carol: ProjectUser;
    let dave: ProjectUser;
    let api: ReturnType<typeof networkClient>;
    const carolPorts: string[] = [];
    let davePort: string;

    const get = async (token: string, query: string): Promise<Page> => {
      const res = await api.call('GET', `/ports?${query}`, token);
      expect(res.statusCode, `${query}: ${res.body}`).toBe(200);
      return res.json() as Page;
    };
    /** Asks both ways and returns the SQL path's answer after checking they agree. */
    const both = async (token: string, query: string): Promise<Page> => {
      const sqlPage = await get(token, query);
      const memPage = await get(token, `${query}&${inMemory}`);
      expect(sqlPage.ports, query).toStrictEqual(memPage.ports);
      expect(
        sqlPage.ports.map((p) => Object.keys(p)),
        query,
      ).toEqual(memPage.ports.map((p) => Object.keys(p)));
      expect(links(sqlPage), query).toEqual(links(memPage));
      return sqlPage;
    };
    const ids = (p: Page) => p.ports.map((x) => x['id'] as string);

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      api = networkClient(t);
      carol = await projectUser(t, admin, 'carol');
      dave = await projectUser(t, admin, 'dave');
      const net = await api.create(carol.token, 'network', { name: 'paging' });
      await api.create(carol.token, 'subnet', { network_id: net.id, ip_version: 4, cidr: '10.44.0.0/24' });
      const names = ['b', 'a', 'c', 'a', 'b', 'c', 'a', 'é', 'B'];
      for (const [i, name] of names.entries()) {
        const port = await api.create(carol.token, 'port', {
          network_id: net.id,
          name,
          admin_state_up: i % 3 !== 0,
          device_owner: i % 2 === 0 ? 'compute:nova' : '',
          description: i < 4 ? 'first' : '',
        });
        carolPorts.push(port.id as string);
      }
      // An admin's port on carol's network is hers to see; dave's own network is not. It
      // carries every kind of attribute the renderers write: two addresses, pairs, options, tags.
      const v6 = await api.create(carol.token, 'subnet', {
        network_id: net.id,
        ip_version: 6,
        cidr: 'fd44::/64',
      });
      const rich = await api.create(admin, 'port', {
        network_id: net.id,
        name: 'a',
        description: 'say "hi"\\ \n \u00e9\u4e2d \u{1f600}',
        'binding:host_id': 'host-z',
        'binding:profile': { local_link_information: [{ port_id: 'x' }] },
        fixed_ips: [{ subnet_id: v6.id }, { ip_address: '10.44.0.200' }],
        allowed_address_pairs: [{ ip_address: '10.44.0.250' }],
        extra_dhcp_opts: [{ opt_name: 'mtu', opt_value: '1400' }],
      });
      const tagged = await api.call('PUT', `/ports/${rich.id}/tags`, admin, { tags: ['z', 'b'] });
      expect(tagged.statusCode).toBe(200);
      const other = await api.create(dave.token, 'network', { name: 'dave-net' });
      davePort = (await api.create(dave.token, 'port', { network_id: other.id, name: 'a' })).id as string;
    });
    afterAll(async () => t?.close());

    it('lists, filters and picks fields the same way in SQL as in memory', async () => {
      const all = await both(carol.token, 'fields=');
      expect(all.ports).toHaveLength(10);
      expect(ids(all)).not.toContain(davePort);
      expect(all.ports[0]).not.toHaveProperty('binding:host_id');
      const rich = (await both(admin, 'binding:host_id=host-z')).ports[0]!;
      expect(rich['fixed_ips']).toHaveLength(2);
      expect(rich).toMatchObject({
        tags: ['z', 'b'],
        'binding:profile': { local_link_information: [{ port_id: 'x' }] },
      });
      await both(carol.token, 'name=a');
      expect((await both(carol.token, 'name=nobody')).ports).toEqual([]);
      await both(carol.token, `sort_key=name&page_reverse=True&marker=${carolPorts[3]}`);
      await both(carol.token, `sort_key=name&sort_dir=desc&marker=${carolPorts[3]}`);
      await both(carol.token, 'name=a&name=c&admin_state_up=False');
      await both(carol.token, 'admin_state_up=TRUE&device_owner=compute:nova&fields=id&fields=name');
      await both(carol.token, 'description=first&fields=fixed_ips,tags,status');
      await both(carol.token, `id=${carolPorts[2]}&id=${carolPorts[5]}&id=${davePort}`);
      await both(admin, 'binding:host_id=host-z');
      await both(admin, `tenant_id=${dave.projectId}`);
      expect((await both(admin, `revision_number=1&project_id=${carol.projectId}`)).ports).toHaveLength(9);
    });

    it('sorts by any sortable column with id breaking ties, in both directions', async () => {
      const byName = await both(carol.token, 'sort_key=name&sort_dir=asc');
      // Code point order: upper case before lower, é after z.
      expect(byName.ports.map((p) => p['name'])).toEqual(['B', 'a', 'a', 'a', 'a', 'b', 'b', 'c', 'c', 'é']);
      await both(carol.token, 'sort_key=name&sort_dir=desc&sort_key=admin_state_up&sort_dir=asc');
      await both(
        carol.token,
        'sort_key=admin_state_up&sort_key=device_owner&sort_key=id&sort_dir=desc&sort_dir=asc&sort_dir=desc',
      );
      await both(admin, 'sort_key=binding:host_id&sort_dir=desc');
      await both(carol.token, 'sort_key=binding:host_id&sort_dir=desc');
      await both(carol.token, 'sort_key=revision_number&sort_key=mac_address&sort_dir=desc&sort_dir=asc');
    });

    it('walks every page forward by next links and back by previous links', async () => {
      const order = 'sort_key=name&sort_dir=desc&sort_key=admin_state_up&sort_dir=asc';
      const whole = ids(await both(carol.token, order));
      const forward: string[][] = [];
      let query: string | undefined = `${order}&limit=3`;
      while (query !== undefined) {
        const page = await both(carol.token, query);
        forward.push(ids(page));
        query = page.ports_links?.find((l) => l.rel === 'next')?.href.split('?')[1];
      }
      expect(forward.map((p) => p.length)).toEqual([3, 3, 3, 1]);
      expect(forward.flat()).toEqual(whole);
      const backward: string[][] = [];
      query = `${order}&limit=3&marker=${whole[whole.length - 1]}&page_reverse=True`;
      while (query !== undefined) {
        const page = await both(carol.token, query);
        backward.unshift(ids(page));
        query = page.ports_links?.find((l) => l.rel === 'previous')?.href.split('?')[1];
      }
      expect(backward.flat()).toEqual(whole.slice(0, -1));
    });

    it('pages from a marker in the middle, with limits past the end and page_reverse alone', async () => {
      const whole = ids(await both(carol.token, 'sort_key=device_owner'));
      const from = await both(carol.token, `sort_key=device_owner&marker=${whole[4]}&limit=2`);
      expect(ids(from)).toEqual(whole.slice(5, 7));
      expect(Object.keys(links(from)).sort()).toEqual(['next', 'previous']);
      const tail = await both(carol.token, `sort_key=device_owner&marker=${whole[7]}&limit=5`);
      expect(ids(tail)).toEqual(whole.slice(8));
      expect(Object.keys(links(tail))).toEqual(['previous']);
      const last = await both(carol.token, 'sort_key=device_owner&limit=2&page_reverse=true');
      expect(ids(last)).toEqual(whole.slice(-2));
      await both(carol.token, `sort_key=device_owner&limit=0&marker=${whole[1]}`);
      const named = ids(await both(carol.token, 'name=a'));
      expect(ids(await both(carol.token, `name=a&marker=${named[1]}&limit=2`))).toEqual(named.slice(2, 4));
    });

    it('answers 404 for a marker the caller cannot see or the column filters exclude, on both paths', async () => {
      const excluded = carolPorts[0]!; // named 'b'
      for (const extra of ['', `&${inMemory}`])
        for (const query of [`limit=2&marker=${davePort}`, `name=a&limit=2&marker=${excluded}`]) {
          const res = await api.call('GET', `/ports?${query}${extra}`, carol.token);
          expect(res.statusCode, query).toBe(404);
          expect(res.json().NeutronError.type).toBe('PortNotFound');
        }
    });

    it('still refuses unsortable keys and bad limits', async () => {
      for (const q of ['sort_key=description', 'sort_key=tags', 'limit=-1', 'sort_key=name&sort_dir=up']) {
        const res = await api.call('GET', `/ports?${q}`, carol.token);
        expect(res.statusCode, q).toBe(400);
      }
    });
  });
}
