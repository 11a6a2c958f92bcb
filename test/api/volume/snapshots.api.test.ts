import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../../src/agent/host/command.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';
import { createPersonas, expectFault } from '../compute/compute-api-fixtures.js';

type Json = Record<string, unknown>;

/** Cinder's 413: `{"overLimit": {"code": 413, "message": ..., "retryAfter": "0"}}`. */
function expectOverLimit(res: LightMyRequestResponse, message: string): void {
  expect(res.statusCode, res.body).toBe(413);
  expect(res.json().overLimit).toMatchObject({ code: 413, message });
}
const skip = hasCommand('qemu-img') && hasCommand('qemu-io') ? false : 'qemu-img or qemu-io is not installed';

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: block storage v3 snapshots`, () => {
    let t: TestCloud;
    let p: Personas;
    let pool: string;
    const vol = (
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      path: string,
      token: string,
      payload?: object,
      version = '3.60',
    ) =>
      t.request({
        method,
        url: `/volume/v3/${p.projectId}${path}`,
        token,
        headers: { 'openstack-api-version': `volume ${version}` },
        ...(payload !== undefined && { payload }),
      });
    async function waitFor(kind: 'volumes' | 'snapshots', id: string, status: string): Promise<Json> {
      const until = Date.now() + 20_000;
      for (;;) {
        const res = await vol('GET', `/${kind}/${id}`, p.member);
        if (status === 'gone' && res.statusCode === 404) return {};
        const one = res.statusCode === 200 ? (res.json()[kind.slice(0, -1)] as Json) : {};
        if (one['status'] === status) return one;
        if (Date.now() > until) throw new Error(`${kind} ${id} never ${status}: ${res.body}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    async function volume(body: Json): Promise<string> {
      const res = await vol('POST', '/volumes', p.member, { volume: body });
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json().volume.id as string;
      await waitFor('volumes', id, 'available');
      return id;
    }
    async function snapshot(volumeId: string, extra: Json = {}): Promise<string> {
      const res = await vol('POST', '/snapshots', p.member, { snapshot: { volume_id: volumeId, ...extra } });
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json().snapshot.id as string;
      await waitFor('snapshots', id, 'available');
      return id;
    }
    const write = (id: string, pattern: number) =>
      execFileSync('qemu-io', ['-f', 'qcow2', '-c', `write -P ${pattern} 0 64k`, join(pool, `${id}.qcow2`)]);
    const reads = (id: string, pattern: number): boolean => {
      try {
        const args = ['-f', 'qcow2', '-r', '-c', `read -P ${pattern} 0 64k`, join(pool, `${id}.qcow2`)];
        return !execFileSync('qemu-io', args, { encoding: 'utf8', stdio: 'pipe' }).includes(
          'verification failed',
        );
      } catch {
        return false;
      }
    };

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      pool = join(t.cloud.compute.deps.config.dataDir, 'volumes');
    });
    afterAll(async () => t?.close());

    it("creates a snapshot with exactly Cinder's fields per microversion, updates and lists it", async () => {
      const v = await volume({ size: 1, name: 'src' });
      const res = await vol('POST', '/snapshots', p.member, {
        snapshot: { volume_id: v, name: 'snap', description: 'd', metadata: { k: 'v' } },
      });
      expect(res.statusCode, res.body).toBe(202);
      const created = res.json().snapshot as Json;
      expect(Object.keys(created).sort()).toEqual(
        [
          'id',
          'created_at',
          'updated_at',
          'name',
          'description',
          'volume_id',
          'status',
          'size',
          'metadata',
          'group_snapshot_id',
          'user_id',
        ].sort(),
      );
      const id = String(created['id']);
      const shown = await waitFor('snapshots', id, 'available');
      expect(shown).toMatchObject({
        name: 'snap',
        volume_id: v,
        size: 1,
        metadata: { k: 'v' },
        user_id: p.memberUserId,
        'os-extended-snapshot-attributes:project_id': p.projectId,
        'os-extended-snapshot-attributes:progress': '100%',
      });
      const old = (await vol('GET', `/snapshots/${id}`, p.member, undefined, '3.0')).json().snapshot as Json;
      expect(old).not.toHaveProperty('user_id');
      expect(old).not.toHaveProperty('group_snapshot_id');
      const upd = await vol('PUT', `/snapshots/${id}`, p.member, { snapshot: { name: 'snap2' } });
      expect(upd.json().snapshot).toMatchObject({ name: 'snap2', description: 'd' });

      const list = (await vol('GET', '/snapshots', p.member)).json().snapshots as Json[];
      expect(list.map((s) => s['id'])).toContain(id);
      expect(Object.keys(list[0]!)).not.toContain('user_id');
      const detail = await vol('GET', `/snapshots/detail?volume_id=${v}&with_count=true`, p.member);
      expect(detail.json()).toMatchObject({ count: 1, snapshots: [{ id, user_id: p.memberUserId }] });
      expect((await vol('GET', '/snapshots/detail?metadata={"k":"x"}', p.member)).json().snapshots).toEqual(
        [],
      );
      expectFault(await vol('GET', `/snapshots/${id}`, p.other), 404, `Snapshot ${id} could not be found.`);
    });

    it('sorts by display_name at every version, by name from 3.30, and skips offset snapshots', async () => {
      const v = await volume({ size: 1 });
      for (const name of ['b', 'a', 'c']) await snapshot(v, { name });
      const names = async (query: string, version: string) =>
        (
          (await vol('GET', `/snapshots?volume_id=${v}&${query}`, p.member, undefined, version)).json()
            .snapshots as Json[]
        ).map((s) => s['name']);
      expect(await names('sort_key=display_name&sort_dir=asc', '3.0')).toEqual(['a', 'b', 'c']);
      expect(await names('sort=display_name:desc', '3.0')).toEqual(['c', 'b', 'a']);
      expectFault(
        await vol('GET', '/snapshots?sort_key=name', p.member, undefined, '3.29'),
        400,
        'Invalid input received: Invalid sort key name',
      );
      expect(await names('sort_key=name&sort_dir=asc', '3.30')).toEqual(['a', 'b', 'c']);
      expect(await names('sort_key=display_name&sort_dir=asc&offset=1&limit=1', '3.0')).toEqual(['b']);
      expect(await names('offset=5', '3.0')).toEqual([]);
      expectFault(
        await vol('GET', '/snapshots?offset=-1', p.member),
        400,
        'Invalid input received: offset must be >= 0',
      );
      expectFault(
        await vol('GET', '/snapshots?offset=x', p.member),
        400,
        'Invalid input received: offset must be an integer.',
      );
      // The project's quota (10 volumes, 10 snapshots) is shared by the tests after this one.
      expect((await vol('DELETE', `/volumes/${v}?cascade=true`, p.member)).statusCode).toBe(202);
      await waitFor('volumes', v, 'gone');
    });

    it('keeps snapshot metadata with Cinder metadata calls', async () => {
      const v = await volume({ size: 1 });
      const id = await snapshot(v, { metadata: { a: '1' } });
      const base = `/snapshots/${id}/metadata`;
      expect((await vol('POST', base, p.member, { metadata: { b: '2' } })).json()).toEqual({
        metadata: { a: '1', b: '2' },
      });
      expect((await vol('PUT', `${base}/a`, p.member, { meta: { a: '9' } })).json()).toEqual({
        meta: { a: '9' },
      });
      expect((await vol('GET', `${base}/a`, p.member)).json()).toEqual({ meta: { a: '9' } });
      expect((await vol('DELETE', `${base}/b`, p.member)).statusCode).toBe(200);
      expectFault(await vol('GET', `${base}/b`, p.member), 404, `Snapshot ${id} has no metadata with key b.`);
      expect((await vol('PUT', base, p.member, { metadata: { z: '0' } })).json()).toEqual({
        metadata: { z: '0' },
      });
      expect((await vol('GET', base, p.reader)).json()).toEqual({ metadata: { z: '0' } });
      expectFault(await vol('POST', base, p.reader, { metadata: { y: '1' } }), 403);
    });

    it('makes volumes from a snapshot and from another volume as copy-on-write overlays', async () => {
      const v = await volume({ size: 1 });
      write(v, 0x5a);
      const s = await snapshot(v);
      write(v, 0x6b);
      const fromSnap = await vol('POST', '/volumes', p.member, { volume: { snapshot_id: s } });
      expect(fromSnap.statusCode, fromSnap.body).toBe(202);
      const a = fromSnap.json().volume as Json;
      expect(a).toMatchObject({ size: 1, snapshot_id: s, source_volid: null, volume_type: '__DEFAULT__' });
      await waitFor('volumes', String(a['id']), 'available');
      expect(reads(String(a['id']), 0x5a)).toBe(true);

      const clone = await vol('POST', '/volumes', p.member, { volume: { source_volid: v, size: 2 } });
      expect(clone.statusCode, clone.body).toBe(202);
      const c = clone.json().volume as Json;
      expect(c).toMatchObject({ size: 2, source_volid: v, snapshot_id: null });
      await waitFor('volumes', String(c['id']), 'available');
      expect(reads(String(c['id']), 0x6b)).toBe(true);
      write(v, 0x7c);
      expect(reads(String(c['id']), 0x6b)).toBe(true);
      expect(reads(v, 0x7c)).toBe(true);

      expectFault(await vol('POST', '/volumes', p.member, { volume: { snapshot_id: s, size: 0 } }), 400);
      expectFault(
        await vol('POST', '/volumes', p.member, { volume: { source_volid: crypto.randomUUID() } }),
        404,
      );
      expectFault(
        await vol('POST', '/volumes', p.member, { volume: { size: 1, snapshot_id: crypto.randomUUID() } }),
        404,
      );
    });

    it('refuses deleting a volume with snapshots unless cascade, and snapshots of in-use volumes without force', async () => {
      const v = await volume({ size: 1 });
      const s = await snapshot(v);
      expectFault(await vol('DELETE', `/volumes/${v}`, p.member), 400, /have snapshots/);
      expect((await vol('GET', `/volumes/${v}`, p.member)).json().volume.status).toBe('available');
      expect((await vol('DELETE', `/volumes/${v}?cascade=true`, p.member)).statusCode).toBe(202);
      await waitFor('snapshots', s, 'gone');
      await waitFor('volumes', v, 'gone');
      const left = readdirSync(pool).filter((f) => f.includes(v) || f.includes(s));
      expect(left).toEqual([]);

      const v2 = await volume({ size: 1 });
      const s2 = await snapshot(v2);
      write(v2, 0x11);
      expect((await vol('DELETE', `/snapshots/${s2}`, p.member)).statusCode).toBe(202);
      await waitFor('snapshots', s2, 'gone');
      expect(existsSync(join(pool, `snapshot-${s2}.qcow2`))).toBe(false);
      expect(reads(v2, 0x11)).toBe(true);
      expectFault(await vol('DELETE', `/snapshots/${s2}`, p.member), 404);
    });

    it('counts snapshots and their gigabytes in the quotas', async () => {
      const v = await volume({ size: 1 });
      const quota = `/os-quota-sets/${p.projectId}`;
      const before = (await vol('GET', `${quota}?usage=true`, p.member)).json().quota_set as Record<
        string,
        Json
      >;
      const snaps = Number(before['snapshots']!['in_use']);
      const set = await vol('PUT', quota, p.admin, { quota_set: { snapshots: snaps } });
      expect(set.statusCode, set.body).toBe(200);
      expectOverLimit(
        await vol('POST', '/snapshots', p.member, { snapshot: { volume_id: v } }),
        `Maximum number of snapshots allowed (${snaps}) exceeded`,
      );
      await vol('PUT', quota, p.admin, { quota_set: { snapshots: 10 } });
      const usage = (await vol('GET', `${quota}?usage=true`, p.member)).json().quota_set as Record<
        string,
        Json
      >;
      const used = Number(usage['gigabytes']!['in_use']);
      await vol('PUT', quota, p.admin, { quota_set: { gigabytes: used } });
      expectOverLimit(
        await vol('POST', '/snapshots', p.member, { snapshot: { volume_id: v } }),
        `Requested volume or snapshot exceeds allowed gigabytes quota. Requested 1G, quota is ${used}G and ${used}G has been consumed.`,
      );
      await vol('DELETE', quota, p.admin);
      const s = await snapshot(v);
      const after = (await vol('GET', `${quota}?usage=true`, p.member)).json().quota_set as Record<
        string,
        Json
      >;
      expect(after['snapshots']).toMatchObject({ in_use: snaps + 1 });
      expect(after['gigabytes']).toMatchObject({ in_use: used + 1 });
      expect(s).toBeTruthy();
    });

    it('filters volumes by created_at/updated_at from 3.60 and counts them from 3.45', async () => {
      const v = await volume({ size: 1, name: 'timed' });
      const shown = (await vol('GET', `/volumes/${v}`, p.member)).json().volume as Json;
      const at = String(shown['created_at']);
      const ids = async (q: string, version = '3.60') =>
        (
          (await vol('GET', `/volumes/detail?${q}`, p.member, undefined, version)).json().volumes as Json[]
        ).map((x) => x['id']);
      expect(await ids(`created_at=gte:${at}`)).toContain(v);
      expect(await ids(`created_at=gt:${at}`)).not.toContain(v);
      expect(await ids(`created_at=lt:${at}`)).not.toContain(v);
      expect(await ids(`created_at=lt:${at}`, '3.59')).toContain(v);
      expectFault(
        await vol('GET', '/volumes?created_at=bogus:2020-01-01', p.member),
        400,
        'Invalid bogus operator',
      );
      const counted = await vol('GET', '/volumes?with_count=true', p.member, undefined, '3.45');
      expect(counted.json().count).toBe((counted.json().volumes as Json[]).length);
      const notCounted = await vol('GET', '/volumes?with_count=true', p.member, undefined, '3.44');
      expect(notCounted.json()).not.toHaveProperty('count');
      const detail = (await vol('GET', `/volumes/${v}`, p.member)).json().volume as Json;
      expect(detail).toMatchObject({
        group_id: null,
        shared_targets: false,
        service_uuid: expect.any(String),
      });
      expect(detail).not.toHaveProperty('provider_id');
      expect(detail).not.toHaveProperty('cluster_name');
      const latest = await vol('GET', `/volumes/${v}`, p.member, undefined, 'latest');
      expect(latest.headers['openstack-api-version']).toBe('volume 3.60');
      expectFault(
        await vol('POST', '/volumes', p.member, { volume: { size: 1, bogus: 1 } }, '3.53'),
        400,
        /'bogus' was unexpected/,
      );
      expect(
        (await vol('POST', '/volumes', p.member, { volume: { size: 1, bogus: 1 } }, '3.52')).statusCode,
      ).toBe(202);
      const malformed = await vol('GET', '/volumes', p.member, undefined, '3.x');
      expectFault(
        malformed,
        400,
        'API Version String 3.x is of invalid format. Must be of format MajorNum.MinorNum.',
      );
    });

    it('extends a volume that is not attached (os-extend), keeping its data', async () => {
      const v = await volume({ size: 1 });
      write(v, 0x3c);
      const act = (body: object) => vol('POST', `/volumes/${v}/action`, p.member, body);
      expectFault(
        await act({ 'os-extend': { new_size: 1 } }),
        400,
        'Invalid input received: New size for extend must be greater than current size. (current: 1, extended: 1).',
      );
      expect((await act({ 'os-extend': { new_size: 3 } })).statusCode).toBe(202);
      const grown = await waitFor('volumes', v, 'available');
      expect(grown['size']).toBe(3);
      const info = JSON.parse(
        execFileSync('qemu-img', ['info', '-U', '--output=json', join(pool, `${v}.qcow2`)], {
          encoding: 'utf8',
        }),
      ) as Json;
      expect(info['virtual-size']).toBe(3 * 1024 ** 3);
      expect(reads(v, 0x3c)).toBe(true);
      expectFault(await act({ 'os-extend': { new_size: 2 } }), 400);
      expectFault(await vol('POST', `/volumes/${v}/action`, p.reader, { 'os-extend': { new_size: 4 } }), 403);
    });
  });
}
