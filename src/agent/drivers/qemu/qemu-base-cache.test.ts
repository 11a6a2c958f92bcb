import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../../host/command.js';
import { runImageCachePass } from '../../controllers/image-cache-manager.js';
import type { WorkloadSpec } from '../driver.js';
import { holdBaseImage, listBaseImages, qcow2BackingFile, removeBaseImage } from './qemu-base-cache.js';
import { createQemuDriver } from './qemu-driver.js';
import { createOverlay, imageInfo } from './qemu-image.js';
import { workloadPaths, writeVmRecord } from './qemu-workload.js';

const signal = new AbortController().signal;

describe.skipIf(!hasCommand('qemu-img'))('qemu-base-cache (qemu-img)', () => {
  let dir = '';
  let cache = '';
  let state = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-qemu-base-'));
    cache = join(dir, 'cache');
    state = join(dir, 'state');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const image = async (id: string) => {
    const path = join(dir, `${id}.src.qcow2`);
    await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', path, '16M']);
    return { id, path, diskFormat: 'qcow2' as const };
  };
  /** A base for the image, held only while made (as a create that failed after it would). */
  const baseOf = async (id: string) => {
    const { base, release } = await holdBaseImage(cache, await image(id));
    release();
    return base;
  };

  it('reads the backing file from a qcow2 header as qemu-img does, and none from other files', async () => {
    const base = await baseOf('6b0c7a52-1111-4000-8000-000000000001');
    const overlay = join(dir, 'overlay.qcow2');
    await createOverlay(base, overlay, 0);
    expect(await qcow2BackingFile(overlay)).toBe((await imageInfo(overlay, 'qcow2')).backingFilename);
    expect(await qcow2BackingFile(overlay)).toBe(base.path);
    expect(await qcow2BackingFile(base.path)).toBeUndefined();
    writeFileSync(join(dir, 'notes.txt'), 'QFI? not a disk, but long enough to read a header from');
    expect(await qcow2BackingFile(join(dir, 'notes.txt'))).toBeUndefined();
  });

  it('lists each base with its image id, in use while an overlay or a record names it', async () => {
    const [a, b, c] = await Promise.all(
      ['6b0c7a52-1111-4000-8000-00000000000a', '6b0c7a52-1111-4000-8000-00000000000b', 'img-c'].map(baseOf),
    );
    const w1 = workloadPaths(state, 'w1');
    mkdirSync(w1.dir, { recursive: true });
    await createOverlay(a!, `${w1.disk}.new`, 0); // a rebuild's staged disk counts too
    await writeVmRecord(workloadPaths(state, 'w2').record, {
      version: 1,
      workloadId: 'w2',
      name: 'w2',
      vcpus: 1,
      memoryMb: 64,
      rootGb: 0,
      image: { id: 'img-c', diskFormat: 'qcow2', basePath: c!.path },
      accelerator: 'tcg',
      power: 'stopped',
      devices: [],
    });
    const entries = await listBaseImages(cache, state);
    const byKey = new Map(entries.map((e) => [e.key, e]));
    expect(byKey.get(a!.path)).toMatchObject({
      imageId: '6b0c7a52-1111-4000-8000-00000000000a',
      inUse: true,
    });
    expect(byKey.get(b!.path)).toMatchObject({
      imageId: '6b0c7a52-1111-4000-8000-00000000000b',
      inUse: false,
    });
    expect(byKey.get(c!.path)).toMatchObject({ imageId: 'img-c', inUse: true });
    expect(entries).toHaveLength(3);

    expect(await removeBaseImage(cache, state, a!.path)).toBe(false);
    expect(await removeBaseImage(cache, state, c!.path)).toBe(false);
    expect(await removeBaseImage(cache, state, b!.path)).toBe(true);
    expect(existsSync(b!.path)).toBe(false);
    expect(existsSync(a!.path) && existsSync(c!.path)).toBe(true);
    // Paths that are not bases of this cache are never touched.
    expect(await removeBaseImage(cache, state, `${a!.path}.new`)).toBe(false);
    expect(await removeBaseImage(cache, state, join(dir, 'img-c.src.qcow2'))).toBe(false);
  });

  it('never removes a base a create holds, and makes it again for a create after a removal', async () => {
    const src = await image('6b0c7a52-1111-4000-8000-0000000000aa');
    const held = await holdBaseImage(cache, src);
    expect(await removeBaseImage(cache, state, held.base.path)).toBe(false);
    held.release();
    expect(await removeBaseImage(cache, state, held.base.path)).toBe(true);
    const again = await holdBaseImage(cache, src);
    expect(again.base.path).toBe(held.base.path);
    expect(existsSync(again.base.path)).toBe(true);
    again.release();
  });

  it('does not list copies under way', async () => {
    const base = await baseOf('6b0c7a52-1111-4000-8000-0000000000bb');
    writeFileSync(`${base.path}.tmp-123-abcd`, 'half a copy');
    expect((await listBaseImages(cache, state)).map((e) => e.key)).toEqual([base.path]);
  });
});

const canRun =
  process.getuid?.() === 0 && ['qemu-system-x86_64', 'qemu-img', 'xorriso'].every((t) => hasCommand(t));

describe.skipIf(!canRun)('qemu-base-cache (qemu driver, real VMs)', () => {
  const root = mkdtempSync(join(tmpdir(), 'strata-qemu-cache-'));
  const driver = createQemuDriver(
    { stateDir: join(root, 'state'), cacheDir: join(root, 'cache') },
    { accelerator: 'tcg', gracefulTimeoutMs: 1_000 },
  );
  afterAll(async () => {
    for (const w of await driver.list()) await driver.destroy(w.workloadId, signal);
    rmSync(root, { recursive: true, force: true });
  });

  const spec = async (workloadId: string, imageId: string): Promise<WorkloadSpec> => {
    const path = join(root, `${imageId}.qcow2`);
    if (!existsSync(path)) await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', path, '16M']);
    return {
      workloadId,
      name: workloadId,
      hostname: workloadId,
      kind: 'vm',
      vcpus: 1,
      memoryMb: 64,
      rootGb: 1,
      image: { id: imageId, diskFormat: 'qcow2', containerFormat: 'bare', path, properties: {} },
      projectId: 'p1',
      availabilityZone: 'nova',
      launchIndex: 0,
      userData: null,
      metadata: {},
      keyName: null,
      keyData: null,
      configDrive: false,
      extraSpecs: {},
      nics: [],
      disks: [],
    };
  };

  it("removes a deleted image's base once its VM is gone, and keeps a base under a running VM", async () => {
    const gone = '6b0c7a52-2222-4000-8000-00000000000d';
    const kept = '6b0c7a52-2222-4000-8000-00000000000e';
    const hGone = await driver.create(await spec(`w-${process.pid}-1`, gone), signal);
    const hKept = await driver.create(await spec(`w-${process.pid}-2`, kept), signal);
    expect((await driver.listImageCache()).filter((e) => e.inUse)).toHaveLength(2);
    await driver.destroy(hGone.workloadId, signal);
    // Both images deleted in the image service: only the base with no VM on it may go.
    const pass = await runImageCachePass({
      hostname: 'h',
      cache: driver,
      images: { liveImages: async () => [] },
      log: pino({ level: 'silent' }),
      maxUnusedMs: 3600_000,
    });
    const left = await driver.listImageCache();
    expect(left.map((e) => e.imageId)).toEqual([kept]);
    expect(pass.removed).toHaveLength(1);
    expect(pass.removed[0]).toContain(gone);
    expect((await driver.observe(hKept.workloadId))?.power).toBe('running');
    await driver.destroy(hKept.workloadId, signal);
  }, 60_000);
});
