import { readFile } from 'node:fs/promises';
import { buildTestImage, testImageCacheDir, testImageNames } from '../agent/test-images/test-image-set.js';
import type { Json, SoakApi, SoakCall } from './soak-api.js';
import { bodyIf } from './soak-api.js';
import type { SoakContext, SoakSetup } from './soak-context.js';
import { createImage, uploadImage } from './soak-images.js';
import type { FlavorSize } from './soak-invariants.js';

/** One flavor for every soak server; 1 GB of disk, since placement refuses a DISK_GB claim of 0. */
export const soakFlavor: FlavorSize & { readonly name: string } = {
  name: 'soak.tiny',
  vcpus: 1,
  ram: 128,
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
): Promise<SoakSetup> {
  const { api } = ctx;
  const projects = await expect(api, 200, {
    op: 'setup',
    method: 'GET',
    path: '/identity/v3/projects?name=admin',
  });
  const adminProjectId = String((projects['projects'] as Json[])[0]?.['id']);
  const { name, vcpus, ram, disk } = soakFlavor;
  const flavor = await expect(
    api,
    200,
    {
      op: 'setup',
      method: 'POST',
      path: '/flavors',
      json: { flavor: { name, vcpus, ram, disk } },
    },
    true,
  );
  const flavorId = String((flavor['flavor'] as Json)['id']);
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
  return {
    adminProjectId,
    flavorId,
    vmImageId,
    containerImageId: withContainers ? await containerImage(ctx) : undefined,
  };
}

/**
 * The container test image (busybox `docker save`, built once per machine), uploaded over
 * the image API: `strata up` registers it only for a host without the fake driver.
 */
async function containerImage(ctx: Omit<SoakContext, 'setup'>): Promise<string> {
  const built = await buildTestImage('container', testImageCacheDir());
  const full = { ...ctx, setup: undefined as never };
  const json = {
    name: testImageNames.container,
    disk_format: built.diskFormat,
    container_format: built.containerFormat,
  };
  const created = await expect(ctx.api, 201, { op: 'setup', method: 'POST', path: '/image/v2/images', json });
  const id = String(created['id']);
  ctx.ledger.acknowledge('image', id);
  if (!(await uploadImage(full, id, await readFile(built.path))))
    throw new Error(`soak setup: the ${testImageNames.container} image could not be uploaded`);
  return id;
}
