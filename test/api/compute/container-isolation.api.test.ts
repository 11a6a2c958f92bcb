import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vmIsolationTrait } from '../../../src/agent/drivers/container-isolation.js';
import type { HostFacts } from '../../../src/agent/drivers/driver.js';
import { FakeDriver } from '../../../src/agent/drivers/fake/fake-driver.js';
import { MicrovmDriver } from '../../../src/agent/drivers/microvm/microvm-driver.js';
import { hasCommand } from '../../../src/agent/host/command.js';
import {
  buildContainerTestImage,
  containerTestMarker,
} from '../../../src/agent/test-images/container-image.js';
import { findHostKernel } from '../../../src/agent/test-images/kernel-modules.js';
import { testImageCacheDir } from '../../../src/agent/test-images/test-image-set.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

/** A fake host with the given traits (a plain container host, or one with the microvm driver). */
class TraitDriver extends FakeDriver {
  constructor(readonly traits: string[]) {
    super({ vcpus: 8, memoryMb: 8192, diskGb: 100 });
  }
  override async probe(): Promise<HostFacts> {
    return { ...(await super.probe()), traits: this.traits };
  }
}

const container = { disk_format: 'raw', container_format: 'docker' };

for (const dialect of testDialects()) {
  describe(`${dialect}: hw:container_isolation`, () => {
    let t: TestCloud;
    let admin: string;
    let image: string;
    const hostOf = async (id: string) =>
      (await waitForServer(t, admin, id, 'ACTIVE'))['OS-EXT-SRV-ATTR:host'];

    beforeAll(async () => {
      t = await startTestCloud(dialect, { computeDriver: 'none' });
      admin = await t.adminToken();
      await t.cloud.compute.agents.add('plain-host', new TraitDriver(['CUSTOM_STRATA_CONTAINER']));
      await t.cloud.compute.agents.add('isolating-host', new TraitDriver([vmIsolationTrait]));
      image = await createImage(t, admin, 'ct', undefined, container);
    });
    afterAll(async () => t?.close());

    it('sends a container whose flavor asks for vm to the isolating host, others to runc', async () => {
      const vm = await createFlavor(t, admin, {
        name: 'iso',
        vcpus: 1,
        ram: 128,
        disk: 1,
        extraSpecs: { 'hw:container_isolation': 'vm' },
      });
      const none = await createFlavor(t, admin, {
        name: 'plain',
        vcpus: 1,
        ram: 128,
        disk: 1,
        extraSpecs: { 'hw:container_isolation': 'none' },
      });
      const a = await bootServer(t, admin, { name: 'a', imageRef: image, flavorRef: vm });
      const b = await bootServer(t, admin, { name: 'b', imageRef: image, flavorRef: none });
      expect(await hostOf(a)).toBe('isolating-host');
      expect(await hostOf(b)).toBe('plain-host');
    });

    it('sends a container whose image asks for vm to the isolating host', async () => {
      const flavor = await createFlavor(t, admin, { name: 'f', vcpus: 1, ram: 128, disk: 1 });
      const img = await createImage(t, admin, 'ct-vm', undefined, container);
      const patch = await t.request({
        method: 'PATCH',
        url: `/image/v2/images/${img}`,
        token: admin,
        headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' },
        payload: [{ op: 'add', path: '/hw_container_isolation', value: 'vm' }],
      });
      expect(patch.statusCode).toBe(200);
      const id = await bootServer(t, admin, { name: 'c', imageRef: img, flavorRef: flavor });
      expect(await hostOf(id)).toBe('isolating-host');
    });

    it('refuses a bad extra spec value with 400, storing nothing', async () => {
      const flavor = await createFlavor(t, admin, { name: 'bad', vcpus: 1, ram: 128, disk: 1 });
      const res = await t.request({
        method: 'POST',
        url: `/compute/v2.1/flavors/${flavor}/os-extra_specs`,
        token: admin,
        payload: { extra_specs: { 'hw:container_isolation': 'kata' } },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        badRequest: {
          code: 400,
          message: "Validation failed; extra spec hw:container_isolation: 'kata' is not one of: none, vm.",
        },
      });
      const put = await t.request({
        method: 'PUT',
        url: `/compute/v2.1/flavors/${flavor}/os-extra_specs/hw:container_isolation`,
        token: admin,
        payload: { 'hw:container_isolation': 'VM' },
      });
      expect(put.statusCode).toBe(400);
      const list = await t.request({
        method: 'GET',
        url: `/compute/v2.1/flavors/${flavor}/os-extra_specs`,
        token: admin,
      });
      expect(list.json()).toEqual({ extra_specs: {} });
    });

    it('refuses a server whose image has a bad value with 400, creating nothing', async () => {
      const flavor = await createFlavor(t, admin, { name: 'g', vcpus: 1, ram: 128, disk: 1 });
      const img = await createImage(t, admin, 'ct-bad', undefined, container);
      await t.request({
        method: 'PATCH',
        url: `/image/v2/images/${img}`,
        token: admin,
        headers: { 'content-type': 'application/openstack-images-v2.1-json-patch' },
        payload: [{ op: 'add', path: '/hw_container_isolation', value: 'gvisor' }],
      });
      const before = (await t.request({ method: 'GET', url: '/compute/v2.1/servers', token: admin })).json()
        .servers.length;
      const res = await t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token: admin,
        payload: { server: { name: 'x', imageRef: img, flavorRef: flavor } },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().badRequest.message).toBe(
        "Invalid image property hw_container_isolation: 'gvisor' is not one of: none, vm.",
      );
      const after = (await t.request({ method: 'GET', url: '/compute/v2.1/servers', token: admin })).json()
        .servers.length;
      expect(after).toBe(before);
    });
  });
}

const runnable =
  process.getuid?.() === 0 &&
  hasCommand('qemu-system-x86_64') &&
  hasCommand('mkfs.ext4') &&
  existsSync('/bin/busybox') &&
  (await findHostKernel()) !== undefined;

describe.skipIf(!runnable)('a VM-isolated container through the API (real microvm driver, TCG)', () => {
  let t: TestCloud;
  let admin = '';
  let base = '';
  let driver: MicrovmDriver;
  let flavor = '';
  let image = '';
  const action = (id: string, body: Record<string, unknown>) =>
    t.request({ method: 'POST', url: `/compute/v2.1/servers/${id}/action`, token: admin, payload: body });
  const consoleOutput = async (id: string): Promise<string> =>
    (await action(id, { 'os-getConsoleOutput': { length: 200 } })).json().output as string;
  const waitForMarker = async (id: string, count: number) => {
    const deadline = Date.now() + 240_000;
    const booted = new RegExp(`${containerTestMarker}: booted`, 'g');
    for (;;) {
      const out = await consoleOutput(id);
      if ((out.match(booted) ?? []).length >= count) return out;
      if (Date.now() > deadline) throw new Error(`no marker x${count}; console:\n${out}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'mvm-api-'));
    t = await startTestCloud('sqlite', { computeDriver: 'none' });
    admin = await t.adminToken();
    driver = new MicrovmDriver(
      { stateDir: join(base, 'i'), cacheDir: join(base, 'c') },
      { accelerator: 'tcg', gracefulTimeoutMs: 20_000 },
    );
    await t.cloud.compute.agents.add('microvm-host', driver);
    const built = await buildContainerTestImage(testImageCacheDir());
    image = await createImage(t, admin, 'ct-real', await readFile(built.path), container);
    flavor = await createFlavor(t, admin, {
      name: 'iso-real',
      vcpus: 1,
      ram: 192,
      disk: 1,
      extraSpecs: { 'hw:container_isolation': 'vm' },
    });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    if (driver !== undefined)
      for (const w of await driver.list()) await driver.destroy(w.workloadId, new AbortController().signal);
    if (base) rmSync(base, { recursive: true, force: true });
  }, 60_000);

  it('boots, prints the marker in os-getConsoleOutput, stops, starts and deletes', async () => {
    const id = await bootServer(t, admin, { name: 'iso', imageRef: image, flavorRef: flavor });
    const active = await waitForServer(t, admin, id, 'ACTIVE', 120_000);
    expect(active['OS-EXT-SRV-ATTR:host']).toBe('microvm-host');
    expect(await waitForMarker(id, 1)).not.toContain(base);

    expect((await action(id, { 'os-stop': null })).statusCode).toBe(202);
    await waitForServer(t, admin, id, 'SHUTOFF', 120_000);
    expect((await driver.observe(id))?.power).toBe('shutdown');
    expect((await action(id, { 'os-start': null })).statusCode).toBe(202);
    await waitForServer(t, admin, id, 'ACTIVE', 120_000);
    await waitForMarker(id, 2);

    const del = await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${id}`, token: admin });
    expect(del.statusCode).toBe(204);
    await waitForServer(t, admin, id, 'DELETED', 120_000);
    expect(readdirSync(join(base, 'i'))).toEqual([]);
  }, 600_000);
});
