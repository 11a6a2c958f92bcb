import type { Cloud } from '../main.js';

/**
 * DevStack's flavors with its ids and sizes (tools written against DevStack look them up
 * by name), created once when a cloud has none: a flavor an operator deletes stays deleted.
 */
export const defaultFlavors = [
  { id: '1', name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1 },
  { id: '2', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 },
  { id: '3', name: 'm1.medium', vcpus: 2, ram: 4096, disk: 40 },
  { id: '4', name: 'm1.large', vcpus: 4, ram: 8192, disk: 80 },
  { id: '5', name: 'm1.xlarge', vcpus: 8, ram: 16384, disk: 160 },
  { id: 'c1', name: 'cirros256', vcpus: 1, ram: 256, disk: 1 },
  { id: 'd1', name: 'ds512M', vcpus: 1, ram: 512, disk: 5 },
  { id: 'd2', name: 'ds1G', vcpus: 1, ram: 1024, disk: 10 },
  { id: 'd3', name: 'ds2G', vcpus: 2, ram: 2048, disk: 10 },
  { id: 'd4', name: 'ds4G', vcpus: 4, ram: 4096, disk: 20 },
] as const;

export const testImageName = 'strata-test-fake';

/**
 * What `strata up` adds to a fresh cloud so the quick start works at once: default flavors
 * and a small registered test image. The image is data only (for the fake driver); the
 * bootable VM and container test images arrive with the real drivers.
 */
export async function bootstrapComputeDefaults(cloud: Cloud, adminProjectId: string): Promise<void> {
  const db = cloud.store.db;
  const now = new Date().toISOString();
  const anyFlavor = await db.selectFrom('flavors').select('id').limit(1).executeTakeFirst();
  if (anyFlavor === undefined) {
    await db
      .insertInto('flavors')
      .values(
        defaultFlavors.map((f) => ({
          ...f,
          ephemeral: 0,
          swap: 0,
          rxtx_factor: 1,
          is_public: 1 as const,
          disabled: 0 as const,
          description: null,
          extra_specs: '{}',
          created_at: now,
        })),
      )
      .execute();
  }
  const existing = await db
    .selectFrom('images')
    .select('id')
    .where('name', '=', testImageName)
    .where('status', '!=', 'deleted')
    .executeTakeFirst();
  if (existing !== undefined) return;
  const image = await cloud.images.createImage(
    { projectId: adminProjectId },
    {
      name: testImageName,
      diskFormat: 'raw',
      containerFormat: 'bare',
      visibility: 'public',
      // Only a fake host has this trait: on any other host these bytes would boot as a
      // guest that shows nothing, so without one the server fails with No valid host.
      properties: { strata_test_image: 'fake-driver', 'trait:CUSTOM_STRATA_FAKE': 'required' },
    },
  );
  await cloud.images.uploadImageData(
    image.id,
    Buffer.from('Strata test image for the fake driver: nothing boots from these bytes.\n'),
  );
}
