import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuncDriver } from '../../../src/agent/drivers/runc/runc-driver.js';
import { mountsUnder } from '../../../src/agent/drivers/runc/rootfs.js';
import { hasCommand } from '../../../src/agent/host/command.js';
import { buildContainerTestImage } from '../../../src/agent/test-images/container-image.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

// Finding 8 of issue 16: a deleted image's unpacked rootfs stayed on the host for good. The
// agent's image cache manager (run every 200 ms here) removes it once no container uses it.
const runnable = process.getuid?.() === 0 && hasCommand('runc') && existsSync('/bin/busybox');
const tag = randomBytes(3).toString('hex');

describe.skipIf(!runnable)('image cache manager with runc containers (real)', () => {
  let t: TestCloud;
  let admin = '';
  let base = '';
  let driver: RuncDriver;
  let flavor = '';
  const images: Record<'doomed' | 'kept', string> = { doomed: '', kept: '' };
  const rootfsCache = () => join(base, 'cache', 'runc-rootfs');
  /** Image ids of the cache's entries (each directory is `<image id>@<config digest>`). */
  const cached = () =>
    readdirSync(rootfsCache())
      .filter((n) => !n.startsWith('.'))
      .map((n) => n.slice(0, n.indexOf('@')));
  const until = async (what: string, ok: () => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (cache: ${cached()})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const deleteServer = async (id: string) => {
    const res = await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${id}`, token: admin });
    expect(res.statusCode).toBe(204);
    await waitForServer(t, admin, id, 'DELETED', 30_000);
  };
  const deleteImage = async (id: string) => {
    const res = await t.request({ method: 'DELETE', url: `/image/v2/images/${id}`, token: admin });
    expect(res.statusCode).toBe(204);
  };

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'strata-image-cache-'));
    t = await startTestCloud('sqlite', { computeDriver: 'none' });
    admin = await t.adminToken();
    driver = new RuncDriver({
      stateDir: join(base, 'state'),
      cacheDir: join(base, 'cache'),
      gracefulStopMs: 1_000,
    });
    // A day's minimum age: only deleted images' entries may go during the test.
    await t.cloud.compute.agents.add(`cache-host-${tag}`, driver, {
      imageCache: { intervalMs: 200, maxUnusedMs: 24 * 3600_000 },
    });
    const built = await buildContainerTestImage(join(base, 'images'));
    const data = await readFile(built.path);
    for (const name of ['doomed', 'kept'] as const)
      images[name] = await createImage(t, admin, `cache-${name}-${tag}`, data, {
        disk_format: 'raw',
        container_format: 'docker',
      });
    flavor = await createFlavor(t, admin, { name: `cache-${tag}`, vcpus: 1, ram: 64, disk: 1 });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    if (driver !== undefined)
      for (const w of await driver.list()) await driver.destroy(w.workloadId, new AbortController().signal);
    const left = base ? await mountsUnder(base) : [];
    if (base) rmSync(base, { recursive: true, force: true });
    expect(left).toEqual([]);
  }, 60_000);

  it("removes a deleted image's rootfs once its server is gone, and keeps one a container uses", async () => {
    const doomed = await bootServer(t, admin, { name: 'doomed', imageRef: images.doomed, flavorRef: flavor });
    const kept = await bootServer(t, admin, { name: 'kept', imageRef: images.kept, flavorRef: flavor });
    await waitForServer(t, admin, doomed, 'ACTIVE', 60_000);
    await waitForServer(t, admin, kept, 'ACTIVE', 60_000);
    expect(cached().sort()).toEqual([images.doomed, images.kept].sort());

    // The image goes first: its entry stays while the container runs on it.
    await deleteImage(images.doomed);
    await new Promise((r) => setTimeout(r, 600)); // three passes
    expect(cached()).toContain(images.doomed);
    await deleteServer(doomed);
    await until('the deleted image leaves the cache', () => !cached().includes(images.doomed));
    expect(cached()).toEqual([images.kept]);
    expect((await driver.observe(kept))?.power).toBe('running');
  }, 120_000);

  it("keeps a live image's entry while young, and drops it after the server goes once the image does", async () => {
    const kept = (await driver.list())[0]!.workloadId;
    await deleteServer(kept);
    await new Promise((r) => setTimeout(r, 600));
    // Unused, but the image exists and was used just now: kept for a day.
    expect(cached()).toEqual([images.kept]);
    await deleteImage(images.kept);
    await until('the second deleted image leaves the cache', () => cached().length === 0);
  }, 60_000);
});
