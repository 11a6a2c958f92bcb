import { createReadStream } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { WorkloadKind } from '../agent/drivers/driver.js';
import { buildContainerTestImage } from '../agent/test-images/container-image.js';
import { buildVmTestImage } from '../agent/test-images/vm-image.js';
import type { Cloud } from '../main.js';

export const testImageNames = { vm: 'strata-test-vm', container: 'strata-test-container' } as const;

interface BuiltImage {
  readonly path: string;
  readonly diskFormat: string;
  readonly containerFormat: string;
}

/** Built once per machine and shared by every data dir (STRATA_TEST_IMAGE_CACHE moves it). */
export function testImageCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env['STRATA_TEST_IMAGE_CACHE'] ||
    join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'strata', 'test-images')
  );
}

/** Builds (or finds in the cache) the test image of each kind. */
export function buildTestImage(kind: 'vm' | 'container', cacheDir: string): Promise<BuiltImage> {
  return kind === 'vm' ? buildVmTestImage({ cacheDir }) : buildContainerTestImage(cacheDir);
}

/**
 * Registers the bootable test images for the workload kinds the local host runs, once per
 * cloud: `strata-test-vm` (qcow2, Debian's cloud kernel and a busybox initramfs) and
 * `strata-test-container` (a busybox `docker save` tarball). One that cannot be built here
 * is skipped with the reason in the log.
 */
export async function registerTestImages(
  cloud: Cloud,
  adminProjectId: string,
  kinds: ReadonlyArray<WorkloadKind>,
): Promise<void> {
  for (const kind of ['vm', 'container'] as const) {
    if (!kinds.includes(kind)) continue;
    const name = testImageNames[kind];
    const existing = await cloud.store.db
      .selectFrom('images')
      .select('id')
      .where('name', '=', name)
      .where('status', '!=', 'deleted')
      .executeTakeFirst();
    if (existing !== undefined) continue;
    let built: BuiltImage;
    try {
      built = await buildTestImage(kind, testImageCacheDir());
    } catch (err) {
      cloud.log.warn({ err, image: name }, 'test image not built: the tools it needs are missing');
      continue;
    }
    const image = await cloud.images.createImage(
      { projectId: adminProjectId },
      {
        name,
        diskFormat: built.diskFormat,
        containerFormat: built.containerFormat,
        visibility: 'public',
        properties: { strata_test_image: kind },
      },
    );
    await cloud.images.uploadImageData(image.id, createReadStream(built.path));
  }
}
