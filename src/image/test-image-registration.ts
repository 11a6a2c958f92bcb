import type { Logger } from 'pino';
import type { WorkloadKind } from '../agent/drivers/driver.js';
import type { TestImageKind } from '../agent/test-images/test-image-set.js';
import { buildTestImagesApart, testImageNames } from '../agent/test-images/test-image-set.js';
import type { StrataDb } from '../db/database.js';
import type { ImageApi } from './image-api.js';

/** What registering needs of the cloud (`Cloud` from src/main.ts is one). */
export interface TestImageTarget {
  readonly store: StrataDb;
  readonly images: Pick<ImageApi, 'createImage' | 'uploadImageData'>;
  readonly log: Logger;
}

/**
 * Registers the bootable test images for the workload kinds the local host runs, once per
 * cloud: `strata-test-vm` (qcow2, Debian's cloud kernel and a busybox initramfs) and
 * `strata-test-container` (a busybox `docker save` tarball). One that cannot be built here
 * is skipped with the reason in the log. `strata up` and the workload benchmarks call it.
 */
export async function registerTestImages(
  cloud: TestImageTarget,
  adminProjectId: string,
  kinds: ReadonlyArray<WorkloadKind>,
): Promise<void> {
  const missing: TestImageKind[] = [];
  for (const kind of (['vm', 'container'] as const).filter((k) => kinds.includes(k))) {
    const existing = await cloud.store.db
      .selectFrom('images')
      .select('id')
      .where('name', '=', testImageNames[kind])
      .where('status', '!=', 'deleted')
      .executeTakeFirst();
    if (existing === undefined) missing.push(kind);
  }
  if (missing.length === 0) return;
  const lines = await buildTestImagesApart(missing).catch((err: unknown) => {
    cloud.log.warn({ err, kinds: missing }, 'test images not built: strata test-images failed');
    return [];
  });
  for (const built of lines) {
    const name = testImageNames[built.kind];
    if ('error' in built) {
      cloud.log.warn(
        { reason: built.error, image: name },
        'test image not built: the tools it needs are missing',
      );
      continue;
    }
    const image = await cloud.images.createImage(
      { projectId: adminProjectId },
      {
        name,
        diskFormat: built.diskFormat,
        containerFormat: built.containerFormat,
        visibility: 'public',
        properties: { strata_test_image: built.kind },
      },
    );
    // Copied by the kernel rather than streamed: start-up keeps no image-sized garbage resident.
    await cloud.images.uploadImageData(image.id, { localPath: built.path });
  }
}
