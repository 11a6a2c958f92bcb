import { readFile } from 'node:fs/promises';
import type { TestImageKind } from '../agent/test-images/test-image-set.js';
import { buildTestImage, testImageCacheDir, testImageNames } from '../agent/test-images/test-image-set.js';
import type { Json, SoakApi, SoakCall } from './soak-api.js';
import { bodyIf } from './soak-api.js';
import type { SoakContext, SoakSetup } from './soak-context.js';
import { createImage, uploadImage } from './soak-images.js';
import type { FlavorSize } from './soak-context.js';

/** One flavor for every soak server; 1 GB of disk, since placement refuses a DISK_GB claim of 0. */
export const soakFlavor: FlavorSize & { readonly name: string } = {
  name: 'soak.tiny',
  vcpus: 1,
  ram: 128,
  disk: 1,
};

/** DevStack's m1.tiny, as the VM boot benchmark uses: the test VM's kernel and initramfs fit in it. */
export const soakVmFlavor: FlavorSize & { readonly name: string } = {
  name: 'soak.vm',
  vcpus: 1,
  ram: 512,
  disk: 1,
};

/** The body of a reply with `status` (a compute call when `compute`), else a setup error. */
async function expect(api: SoakApi, status: number, call: SoakCall, compute = false): Promise<Json> {
  const reply = compute ? await api.compute(call) : await api.call(call);
  const body = bodyIf(reply, status);
  if (body === undefined) {
    const got = reply === 'lost' ? 'no answer' : `${reply.status} ${reply.body.slice(0, 200)}`;
    throw new Error(`soak setup: ${call.method} ${call.path}: expected ${status}, got ${got}`);
  }
  return body;
}

/**
 * What the clients use, made over the APIs as an operator would: the soak flavor, unlimited
 * compute quotas for the admin project, a small raw image (the fake driver boots it) and,
 * with runc, the registered container test image.
 */
export async function prepareSoak(
  ctx: Omit<SoakContext, 'setup'>,
  withContainers: boolean,
  withVms: boolean,
): Promise<SoakSetup> {
  const { api } = ctx;
  const projects = await expect(api, 200, {
    op: 'setup',
    method: 'GET',
    path: '/identity/v3/projects?name=admin',
  });
  const adminProjectId = String((projects['projects'] as Json[])[0]?.['id']);
  const flavorId = await createFlavor(api, soakFlavor);
  await expect(
    api,
    200,
    {
      op: 'setup',
      method: 'PUT',
      path: `/os-quota-sets/${adminProjectId}`,
      json: { quota_set: { instances: -1, cores: -1, ram: -1 } },
    },
    true,
  );
  const full = { ...ctx, setup: undefined as never };
  const vmImageId = await createImage(full, 'soak-raw');
  if (vmImageId === undefined || !(await uploadImage(full, vmImageId, Buffer.alloc(1024 * 1024))))
    throw new Error('soak setup: the raw image could not be created');
  const qemu = withVms ? await qemuSetup(ctx) : undefined;
  return {
    adminProjectId,
    flavorId,
    vmImageId,
    containerImageId: withContainers ? await containerImage(ctx) : undefined,
    qemu,
    flavorSizes: new Map([
      [flavorId, soakFlavor],
      ...(qemu === undefined ? [] : [[qemu.flavorId, soakVmFlavor] as const]),
    ]),
  };
}

async function createFlavor(api: SoakApi, size: FlavorSize & { readonly name: string }): Promise<string> {
  const { name, vcpus, ram, disk } = size;
  const json = { flavor: { name, vcpus, ram, disk } };
  const flavor = await expect(api, 200, { op: 'setup', method: 'POST', path: '/flavors', json }, true);
  return String((flavor['flavor'] as Json)['id']);
}

/** The VM test image (busybox initramfs and the host's kernel, built once per machine) and its flavor. */
async function qemuSetup(ctx: Omit<SoakContext, 'setup'>): Promise<{ imageId: string; flavorId: string }> {
  return { imageId: await testImage(ctx, 'vm'), flavorId: await createFlavor(ctx.api, soakVmFlavor) };
}

/**
 * The container test image (busybox `docker save`, built once per machine), uploaded over
 * the image API: `strata up` registers it only for a host without the fake driver.
 */
function containerImage(ctx: Omit<SoakContext, 'setup'>): Promise<string> {
  return testImage(ctx, 'container');
}

/** A test image, built (or found in the machine's cache) and uploaded over the image API. */
async function testImage(ctx: Omit<SoakContext, 'setup'>, kind: TestImageKind): Promise<string> {
  const built = await buildTestImage(kind, testImageCacheDir());
  const full = { ...ctx, setup: undefined as never };
  const json = {
    name: testImageNames[kind],
    disk_format: built.diskFormat,
    container_format: built.containerFormat,
  };
  const created = await expect(ctx.api, 201, { op: 'setup', method: 'POST', path: '/image/v2/images', json });
  const id = String(created['id']);
  ctx.ledger.acknowledge('image', id);
  if (!(await uploadImage(full, id, await readFile(built.path))))
    throw new Error(`soak setup: the ${testImageNames[kind]} image could not be uploaded`);
  return id;
}
