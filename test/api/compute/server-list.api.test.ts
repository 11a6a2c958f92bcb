import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { computeCaller, createPersonas, expectFault } from './compute-api-fixtures.js';

/** GET /servers and /servers/detail: filters, sorting, changes-since, paging, and update. */
for (const dialect of testDialects()) {
  describe(`${dialect}: compute server list and update`, () => {
    let t: TestCloud;
    let p: Personas;
    let call: ReturnType<typeof computeCaller>;
    let small: string;
    let large: string;
    let image: string;
    const ids: Record<string, string> = {};
    const names = async (query: string, token = p.member) => {
      const res = await call('GET', `/servers/detail?${query}`, token);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().servers as Array<{ name: string }>).map((s) => s.name);
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      call = computeCaller(t);
      small = await createFlavor(t, p.admin, { name: 'list.small', vcpus: 1, ram: 128, disk: 1 });
      large = await createFlavor(t, p.admin, { name: 'list.large', vcpus: 1, ram: 256, disk: 1 });
      image = await createImage(t, p.admin, 'list-image');
      for (const [name, flavor] of [
        ['alpha', small],
        ['beta', large],
        ['gamma', small],
      ] as const) {
        ids[name] = await bootServer(t, p.member, { name, imageRef: image, flavorRef: flavor });
        await waitForServer(t, p.admin, ids[name]!, 'ACTIVE');
      }
      await call('POST', `/servers/${ids['gamma']}/action`, p.member, { 'os-stop': null });
      await waitForServer(t, p.admin, ids['gamma']!, 'SHUTOFF');
    });
    afterAll(async () => t?.close());

    it('filters by name, status, flavor and image', async () => {
      expect(await names('name=alp')).toEqual(['alpha']);
      expect((await names('status=SHUTOFF')).sort()).toEqual(['gamma']);
      expect((await names('status=ACTIVE')).sort()).toEqual(['alpha', 'beta']);
      expect((await names(`flavor=${large}`)).sort()).toEqual(['beta']);
      expect((await names(`image=${image}`)).sort()).toEqual(['alpha', 'beta', 'gamma']);
      // Another project sees none of them.
      expect(await names('name=alp', p.other)).toEqual([]);
    });

    it('sorts by name both ways and pages with marker and next links', async () => {
      expect(await names('sort_key=display_name&sort_dir=asc')).toEqual(['alpha', 'beta', 'gamma']);
      expect(await names('sort_key=display_name&sort_dir=desc')).toEqual(['gamma', 'beta', 'alpha']);
      const first = (
        await call('GET', '/servers?sort_key=display_name&sort_dir=asc&limit=2', p.member)
      ).json();
      expect(first.servers.map((s: { name: string }) => s.name)).toEqual(['alpha', 'beta']);
      const next = first.servers_links[0].href as string;
      expect(next).toContain(`marker=${ids['beta']}`);
      const second = (await call('GET', next.replace(/^.*\/compute\/v2\.1/, ''), p.member)).json();
      expect(second.servers.map((s: { name: string }) => s.name)).toEqual(['gamma']);
      expect(second).not.toHaveProperty('servers_links');
      expectFault(await call('GET', '/servers?sort_key=bogus', p.member), 400, 'Invalid sort_key: bogus');
      expectFault(await call('GET', '/servers?marker=nope', p.member), 400, 'marker [nope] not found');
    });

    it('lists what changed since a time, deleted servers included', async () => {
      // Move the cloud's clock on, so everything before this point is older than `since`.
      t.clock.advance(60_000);
      const since = t.clock.now().toISOString();
      await call('PUT', `/servers/${ids['alpha']}`, p.member, { server: { name: 'alpha' } });
      const doomed = await bootServer(t, p.member, { name: 'doomed', imageRef: image, flavorRef: small });
      await waitForServer(t, p.admin, doomed, 'ACTIVE');
      await call('DELETE', `/servers/${doomed}`, p.member);
      await waitForServer(t, p.admin, doomed, 'DELETED');
      const changed = (await call('GET', `/servers/detail?changes-since=${since}`, p.member)).json().servers;
      const byName = new Map(changed.map((s: { name: string; status: string }) => [s.name, s.status]));
      expect(byName.get('doomed')).toBe('DELETED');
      expect(byName.has('alpha')).toBe(true);
      expect(byName.has('beta')).toBe(false);
      expectFault(
        await call('GET', '/servers?changes-since=yesterday', p.member),
        400,
        'Invalid input for field/attribute changes-since. Value: yesterday.',
      );
    });

    it('updates name and access addresses; refuses unknown fields and other projects', async () => {
      const res = await call('PUT', `/servers/${ids['beta']}`, p.member, {
        server: { name: 'beta-2', accessIPv4: '192.0.2.10' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().server).toMatchObject({ name: 'beta-2', accessIPv4: '192.0.2.10' });
      expect(await names('name=beta-2')).toEqual(['beta-2']);
      expectFault(
        await call('PUT', `/servers/${ids['beta']}`, p.member, { server: { flavor: 'x' } }),
        400,
        /'flavor' was unexpected/,
      );
      expectFault(await call('PUT', `/servers/${ids['beta']}`, p.other, { server: { name: 'mine' } }), 404);
      expect(await names('name=beta')).toEqual(['beta-2']);
    });
  });
}
