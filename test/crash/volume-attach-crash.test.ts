import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { drivers } from '../../src/agent/drivers/registry.js';
import { RuncDriver } from '../../src/agent/drivers/runc/runc-driver.js';
import { HttpClient } from '../support/http-client.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable, startStrata } from '../support/strata-process.js';

const ready =
  builtCliAvailable() &&
  drivers.runc.missing() === undefined &&
  process.getuid?.() === 0 &&
  ['qemu-storage-daemon', 'losetup', 'mkfs.ext4'].every((c) => {
    try {
      execFileSync('sh', ['-c', `command -v ${c}`]);
      return true;
    } catch {
      return false;
    }
  });
const env = { STRATA_COMPUTE_DRIVER: 'runc' };
const volumeCount = 6;

type Json = Record<string, unknown>;

async function until<T>(what: string, read: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** What the containers really have: the volumes mounted under each server's shared volumes dir. */
function mountedVolumes(dataDir: string): Map<string, string> {
  const root = join(dataDir, 'instances', 'runc');
  const byVolume = new Map<string, string>();
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const m = new RegExp(`^${root}/([^/]+)/volumes/([^/]+)$`).exec(line.split(' ')[4] ?? '');
    if (m) byVolume.set(m[2]!, m[1]!);
  }
  return byVolume;
}

// Real containers under `strata up` (runc), volumes mounted as filesystems; strata up is
// killed -9 in the middle of a burst of attaches, then of a burst of attaches and detaches.
describe.skipIf(!ready)('kill -9 of strata up during a burst of volume attaches and detaches', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('ends every volume available or in-use, as the containers really have it', async () => {
    let s: StrataProcess = await startStrata({ env });
    const dataDir = s.dataDir;
    cleanups.push(() => s.cleanup());
    // Containers outlive strata up by design; whatever the test leaves is destroyed here.
    cleanups.push(async () => {
      const d = new RuncDriver({
        stateDir: join(dataDir, 'instances', 'runc'),
        cacheDir: join(dataDir, 'cache'),
      });
      for (const w of await d.list()) await d.destroy(w.workloadId, new AbortController().signal);
    });
    let c = new HttpClient(s.url);
    await c.login(s);
    const project = (
      await c.call<{ projects: Array<{ id: string }> }>('GET', '/identity/v3/projects?name=admin')
    ).json.projects[0]!.id;
    const vol = `/volume/v3/${project}`;
    const flavor = (
      await c.call<{ flavors: Array<{ id: string; name: string }> }>('GET', '/compute/v2.1/flavors')
    ).json.flavors.find((f) => f.name === 'm1.tiny')!.id;
    const image = (
      await c.call<{ images: Array<{ id: string; name: string }> }>('GET', '/image/v2/images')
    ).json.images.find((i) => i.name === 'strata-test-container')!.id;
    const servers: string[] = [];
    for (const name of ['crash-a', 'crash-b']) {
      const r = await c.call<{ server: { id: string } }>('POST', '/compute/v2.1/servers', {
        server: { name, imageRef: image, flavorRef: flavor },
      });
      expect(r.status, JSON.stringify(r.json)).toBe(202);
      servers.push(r.json.server.id);
    }
    for (const id of servers)
      await until(`server ${id} ACTIVE`, async () => {
        const st = (await c.call<{ server: { status: string } }>('GET', `/compute/v2.1/servers/${id}`)).json
          .server.status;
        if (st === 'ERROR') throw new Error(`server ${id} ERROR`);
        return st === 'ACTIVE' ? true : undefined;
      });
    const volumes: string[] = [];
    for (let i = 0; i < volumeCount; i++) {
      const r = await c.call<{ volume: { id: string } }>('POST', `${vol}/volumes`, {
        volume: { size: 1, name: `crash-${i}` },
      });
      volumes.push(r.json.volume.id);
    }
    const volumeOf = async (id: string) =>
      (await c.call<{ volume: Json }>('GET', `${vol}/volumes/${id}`)).json.volume;
    for (const id of volumes)
      await until(`volume ${id} available`, async () =>
        (await volumeOf(id))['status'] === 'available' ? true : undefined,
      );

    const restart = async () => {
      await s.kill9();
      s = await startStrata({ dataDir, env });
      c = new HttpClient(s.url);
      await c.login(s);
    };
    const attach = (server: string, volumeId: string) =>
      c
        .call('POST', `/compute/v2.1/servers/${server}/os-volume_attachments`, {
          volumeAttachment: { volumeId },
        })
        .catch(() => undefined);
    const detach = (server: string, volumeId: string) =>
      c
        .call('DELETE', `/compute/v2.1/servers/${server}/os-volume_attachments/${volumeId}`)
        .catch(() => undefined);
    /** Waits until no volume is moving, then checks each against the mounts and Nova's list. */
    const settledAndConsistent = async () => {
      const states = await until('every volume settled', async () => {
        const vs = await Promise.all(volumes.map(volumeOf));
        return vs.every((v) => ['available', 'in-use'].includes(String(v['status']))) ? vs : undefined;
      });
      const mounted = mountedVolumes(dataDir);
      const novaLists = new Map<string, string[]>();
      for (const id of servers) {
        const r = await c.call<{ volumeAttachments: Array<{ volumeId: string }> }>(
          'GET',
          `/compute/v2.1/servers/${id}/os-volume_attachments`,
        );
        novaLists.set(
          id,
          r.json.volumeAttachments.map((a) => a.volumeId),
        );
      }
      for (const v of states) {
        const id = String(v['id']);
        const atts = v['attachments'] as Array<{ server_id: string }>;
        if (v['status'] === 'available') {
          expect(atts, `available volume ${id} has no attachment`).toEqual([]);
          expect(mounted.get(id), `available volume ${id} is mounted nowhere`).toBeUndefined();
          for (const [sid, list] of novaLists) expect(list, `server ${sid} lists ${id}`).not.toContain(id);
        } else {
          expect(atts, `in-use volume ${id}`).toHaveLength(1);
          const server = atts[0]!.server_id;
          expect(mounted.get(id), `in-use volume ${id} is mounted in its server`).toBe(server);
          expect(novaLists.get(server)).toContain(id);
        }
      }
      return states;
    };

    // Burst 1: every volume attached, half to each server; killed while they go on.
    const burst1 = volumes.map((v, i) => attach(servers[i % 2]!, v));
    await new Promise((r) => setTimeout(r, 400));
    await restart();
    await Promise.all(burst1);
    let states = await settledAndConsistent();
    // The burst did land: attaches accepted before the kill completed after the restart.
    const inUse1 = states.filter((v) => v['status'] === 'in-use').map((v) => v['id']);
    expect(inUse1.length).toBeGreaterThan(0);

    // Burst 2: what is in use is detached, what is free is attached; killed again.
    const burst2 = states.map((v, i) =>
      v['status'] === 'in-use'
        ? detach((v['attachments'] as Array<{ server_id: string }>)[0]!.server_id, String(v['id']))
        : attach(servers[(i + 1) % 2]!, String(v['id'])),
    );
    await new Promise((r) => setTimeout(r, 400));
    await restart();
    await Promise.all(burst2);
    states = await settledAndConsistent();
    expect(states.length).toBe(volumeCount);
    // Something moved in the second burst too (a detach or an attach went through).
    const inUse2 = states.filter((v) => v['status'] === 'in-use').map((v) => v['id']);
    expect(inUse2).not.toEqual(inUse1);

    // Deleting the servers frees every volume and leaves no mount behind.
    for (const id of servers) await c.call('DELETE', `/compute/v2.1/servers/${id}`);
    for (const id of volumes)
      await until(`volume ${id} freed`, async () =>
        (await volumeOf(id))['status'] === 'available' ? true : undefined,
      );
    await until('every mount gone', async () => (mountedVolumes(dataDir).size === 0 ? true : undefined));
    expect(await s.stop()).toBe(0);
  });
});
