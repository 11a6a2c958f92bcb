import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../../src/agent/host/command.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';
import { createPersonas, expectFault } from '../compute/compute-api-fixtures.js';

type Json = Record<string, unknown>;
const skip = hasCommand('qemu-img') && hasCommand('qemu-io') ? false : 'qemu-img or qemu-io is not installed';

/** qemu-io's read -P check on a file: true when 64 KiB at offset 0 hold the byte. */
function reads(path: string, format: 'raw' | 'qcow2', pattern: number): boolean {
  try {
    const args = ['-f', format, '-r', '-c', `read -P ${pattern} 0 64k`, path];
    return !execFileSync('qemu-io', args, { encoding: 'utf8', stdio: 'pipe' }).includes(
      'verification failed',
    );
  } catch {
    return false;
  }
}

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: block storage v3 volumes and images`, () => {
    let t: TestCloud;
    let p: Personas;
    let pool: string;
    let work: string;
    let imageId: string;
    const vol = (method: 'GET' | 'POST' | 'DELETE', path: string, payload?: object, version = '3.60') =>
      t.request({
        method,
        url: `/volume/v3/${p.projectId}${path}`,
        token: p.member,
        headers: { 'openstack-api-version': `volume ${version}` },
        ...(payload !== undefined && { payload }),
      });
    const statuses = new Map<string, string[]>();
    async function waitFor(id: string, status: string): Promise<Json> {
      const until = Date.now() + 30_000;
      for (;;) {
        const res = await vol('GET', `/volumes/${id}`);
        const one = res.statusCode === 200 ? (res.json().volume as Json) : {};
        const seen = statuses.get(id) ?? [];
        if (seen.at(-1) !== one['status']) statuses.set(id, [...seen, String(one['status'])]);
        if (one['status'] === status) return one;
        if (Date.now() > until) throw new Error(`volume ${id} never ${status}: ${res.body}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    /** An active qcow2 image whose first 64 KiB hold `pattern`, with a custom property. */
    async function image(pattern: number, fields: Json = {}): Promise<string> {
      const file = join(work, `img-${pattern}.qcow2`);
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', file, '64M']);
      execFileSync('qemu-io', ['-f', 'qcow2', '-c', `write -P ${pattern} 0 64k`, file]);
      const images = t.cloud.images;
      const img = await images.createImage(
        { projectId: p.projectId },
        {
          name: `img-${pattern}`,
          diskFormat: 'qcow2',
          containerFormat: 'bare',
          properties: { os_distro: 'cirros' },
          ...fields,
        },
      );
      await images.uploadImageData(img.id, { localPath: file });
      return img.id;
    }

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      pool = join(t.cloud.compute.deps.config.dataDir, 'volumes');
      work = mkdtempSync(join(tmpdir(), 'strata-volimg-'));
      imageId = await image(7);
    });
    afterAll(async () => {
      await t?.close();
      rmSync(work, { recursive: true, force: true });
    });

    it('makes a bootable volume from an image: creating, downloading, available, the data converted', async () => {
      const res = await vol('POST', '/volumes', { volume: { size: 1, name: 'from-img', imageRef: imageId } });
      expect(res.statusCode, res.body).toBe(202);
      const created = res.json().volume as Json;
      expect(created).toMatchObject({ status: 'creating', bootable: 'true' });
      const id = String(created['id']);
      const shown = await waitFor(id, 'available');
      expect(statuses.get(id)?.filter((s) => s !== 'creating')).toEqual(['downloading', 'available']);
      expect(shown['bootable']).toBe('true');
      const meta = shown['volume_image_metadata'] as Json;
      expect(meta).toMatchObject({
        image_id: imageId,
        image_name: 'img-7',
        disk_format: 'qcow2',
        container_format: 'bare',
        min_disk: '0',
        min_ram: '0',
        os_distro: 'cirros',
      });
      expect(typeof meta['checksum']).toBe('string');
      expect(reads(join(pool, `${id}.qcow2`), 'qcow2', 7)).toBe(true);
      const info = JSON.parse(
        execFileSync('qemu-img', ['info', '--output=json', join(pool, `${id}.qcow2`)], { encoding: 'utf8' }),
      ) as { 'virtual-size': number; 'backing-filename'?: string };
      expect(info['virtual-size']).toBe(1024 ** 3);
      expect(info['backing-filename']).toBeUndefined();
      // An empty volume has no image metadata at all.
      const plain = await vol('POST', '/volumes', { volume: { size: 1 } });
      expect(plain.json().volume).not.toHaveProperty('volume_image_metadata');
      expect(plain.json().volume.bootable).toBe('false');
    });

    it("refuses images Cinder refuses, with Cinder's faults, creating nothing", async () => {
      const before = (await vol('GET', '/volumes')).json().volumes.length as number;
      const missing = crypto.randomUUID();
      expectFault(
        await vol('POST', '/volumes', { volume: { size: 1, imageRef: missing } }),
        404,
        `Image ${missing} could not be found.`,
      );
      const big = await image(9, { minDisk: 3 });
      expectFault(
        await vol('POST', '/volumes', { volume: { size: 2, imageRef: big } }),
        400,
        'Invalid input received: Volume size 2GB cannot be smaller than the image minDisk size 3GB.',
      );
      const iso = await t.cloud.images.createImage(
        { projectId: p.projectId },
        { name: 'iso', diskFormat: 'iso', containerFormat: 'bare' },
      );
      await t.cloud.images.uploadImageData(iso.id, Buffer.from('not a disk'));
      expectFault(
        await vol('POST', '/volumes', { volume: { size: 1, imageRef: iso.id } }),
        400,
        `Image ${iso.id} is unacceptable: Unsupported image format: iso.`,
      );
      const queued = await t.cloud.images.createImage(
        { projectId: p.projectId },
        { name: 'q', diskFormat: 'raw', containerFormat: 'bare' },
      );
      expectFault(
        await vol('POST', '/volumes', { volume: { size: 1, imageRef: queued.id } }),
        400,
        `Invalid input received: Image ${queued.id} is not active.`,
      );
      expect((await vol('GET', '/volumes')).json().volumes.length).toBe(before);
    });

    it('uploads a volume to a new image: uploading, then available, the image active with its data', async () => {
      const res = await vol('POST', '/volumes', { volume: { size: 1, imageRef: imageId } });
      const id = String(res.json().volume.id);
      await waitFor(id, 'available');
      const up = await vol('POST', `/volumes/${id}/action`, {
        'os-volume_upload_image': {
          image_name: 'backup-img',
          disk_format: 'raw',
          visibility: 'private',
          protected: false,
        },
      });
      expect(up.statusCode, up.body).toBe(202);
      const body = up.json()['os-volume_upload_image'] as Json;
      expect(Object.keys(body).sort()).toEqual(
        [
          'id',
          'updated_at',
          'status',
          'display_description',
          'size',
          'volume_type',
          'image_id',
          'container_format',
          'disk_format',
          'image_name',
          'protected',
          'visibility',
        ].sort(),
      );
      expect(body).toMatchObject({
        id,
        status: 'uploading',
        size: 1,
        disk_format: 'raw',
        container_format: 'bare',
        image_name: 'backup-img',
        visibility: 'private',
        protected: false,
      });
      await waitFor(id, 'available');
      expect(statuses.get(id)).toContain('uploading');
      const img = await t.cloud.images.getImage(
        { projectId: p.projectId, isAdmin: false },
        String(body['image_id']),
      );
      expect(img).toMatchObject({ status: 'active', diskFormat: 'raw', name: 'backup-img' });
      expect(img?.properties['os_distro']).toBe('cirros');
      expect(reads(t.cloud.images.imageDataPath(img!.id), 'raw', 7)).toBe(true);
      expect(readdirSync(pool).filter((f) => f.startsWith('upload-'))).toEqual([]);
    });

    it("refuses bad uploads with Cinder's faults: format, public for members, in-use", async () => {
      const res = await vol('POST', '/volumes', { volume: { size: 1 } });
      const id = String(res.json().volume.id);
      await waitFor(id, 'available');
      expectFault(
        await vol('POST', `/volumes/${id}/action`, {
          'os-volume_upload_image': { image_name: 'x', disk_format: 'vmdk' },
        }),
        400,
        "Invalid disk-format 'vmdk' is specified. Allowed disk-formats are raw, qcow2.",
      );
      const pub = await vol('POST', `/volumes/${id}/action`, {
        'os-volume_upload_image': { image_name: 'x', visibility: 'public' },
      });
      expect(pub.statusCode, pub.body).toBe(403);
      expect((await vol('GET', `/volumes/${id}`)).json().volume.status).toBe('available');
    });
  });
}
