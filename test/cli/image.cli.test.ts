import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMemberCloud, startCliCloud, stopCliCloud } from '../support/cli-cloud.js';
import { type OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable } from '../support/strata-process.js';

const ready = openstackCliAvailable() && builtCliAvailable();

interface ImageJson {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly size: number;
  readonly checksum: string;
  readonly visibility: string;
  readonly tags: string[];
  readonly properties: Record<string, unknown>;
}

// Needs Debian's python3-openstackclient and `npm run build`; scripts/test provides both.
describe.skipIf(!ready)('openstack CLI against strata up: image', () => {
  let strata: StrataProcess;
  let cli: OpenStackCli;
  let file: string;
  let demoId: string;
  const data = randomBytes(3 * 1024 * 1024 + 5);
  const show = (cloud: string, image: string) => cli.json<ImageJson>(cloud, ['image', 'show', image]);

  beforeAll(async () => {
    ({ strata, cli } = await startCliCloud());
    file = join(strata.dataDir, 'disk.qcow2');
    writeFileSync(file, data);
    demoId = await addMemberCloud({ strata, cli }, { project: 'demo', user: 'mia', password: 'mia-pw-1' });
  });
  afterAll(() => stopCliCloud(strata));

  it('creates an image from a file, then lists and shows it active with its checksum', async () => {
    const created = await cli.json<ImageJson>('admin', [
      'image',
      'create',
      '--file',
      file,
      '--disk-format',
      'qcow2',
      '--container-format',
      'bare',
      '--private',
      'cirros',
    ]);
    expect(created.name).toBe('cirros');
    const list = await cli.json<Array<{ ID: string; Name: string; Status: string }>>('admin', [
      'image',
      'list',
    ]);
    expect(list).toContainEqual({ ID: created.id, Name: 'cirros', Status: 'active' });
    const shown = await show('admin', 'cirros');
    expect(shown).toMatchObject({
      status: 'active',
      size: data.length,
      checksum: createHash('md5').update(data).digest('hex'),
      visibility: 'private',
    });
    expect(shown.properties['os_hash_algo']).toBe('sha512');
  });

  it('sets a property and a tag', async () => {
    await cli.ok('admin', ['image', 'set', '--property', 'os_distro=cirros', '--tag', 'small', 'cirros']);
    const shown = await show('admin', 'cirros');
    expect(shown.properties['os_distro']).toBe('cirros');
    expect(shown.tags).toEqual(['small']);
  });

  it('saves the same bytes it was given', async () => {
    const out = join(strata.dataDir, 'saved.img');
    await cli.ok('admin', ['image', 'save', '--file', out, 'cirros']);
    expect(Buffer.compare(readFileSync(out), data)).toBe(0);
  });

  it('shows public images to every project and private ones only to the owner', async () => {
    // Without --file the CLI reads image data from stdin, so always give it a file.
    await cli.json('admin', [
      'image',
      'create',
      '--public',
      '--file',
      file,
      '--disk-format',
      'raw',
      '--container-format',
      'bare',
      'pub',
    ]);
    const seen = (await cli.json<Array<{ Name: string }>>('member', ['image', 'list'])).map((i) => i.Name);
    expect(seen).toContain('pub');
    expect(seen).not.toContain('cirros');
    const hidden = await cli.run('member', ['image', 'show', 'cirros']);
    expect(hidden.code).not.toBe(0);
    expect(hidden.stderr).toMatch(/No Image found for cirros/);
  });

  it('shares an image with a project, which accepts it', async () => {
    const img = await cli.json<ImageJson>('admin', [
      'image',
      'create',
      '--shared',
      '--file',
      file,
      '--disk-format',
      'raw',
      '--container-format',
      'bare',
      'shared-img',
    ]);
    const member = await cli.json<{ member_id: string; status: string }>('admin', [
      'image',
      'add',
      'project',
      'shared-img',
      'demo',
    ]);
    expect(member).toMatchObject({ member_id: demoId, status: 'pending' });
    const members = await cli.json<Array<Record<string, string>>>('admin', [
      'image',
      'member',
      'list',
      'shared-img',
    ]);
    expect(members).toEqual([{ 'Image ID': img.id, 'Member ID': demoId, Status: 'pending' }]);
    expect(
      (await cli.json<Array<{ Name: string }>>('member', ['image', 'list'])).map((i) => i.Name),
    ).not.toContain('shared-img');
    await cli.ok('member', ['image', 'set', '--accept', img.id]);
    expect(
      (await cli.json<Array<{ Name: string }>>('member', ['image', 'list'])).map((i) => i.Name),
    ).toContain('shared-img');
    const out = join(strata.dataDir, 'shared.img');
    await cli.ok('member', ['image', 'save', '--file', out, img.id]);
    expect(Buffer.compare(readFileSync(out), data)).toBe(0);
  });

  it('imports an image with glance-direct', async () => {
    await cli.json('admin', [
      'image',
      'create',
      '--import',
      '--file',
      file,
      '--disk-format',
      'raw',
      '--container-format',
      'bare',
      'imported',
    ]);
    let status = '';
    for (let i = 0; i < 50 && status !== 'active'; i++) {
      status = (await show('admin', 'imported')).status;
      if (status !== 'active') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('active');
    expect((await show('admin', 'imported')).checksum).toBe(createHash('md5').update(data).digest('hex'));
  });

  it('refuses to delete a protected image and prints Glance’s reason', async () => {
    await cli.ok('admin', ['image', 'set', '--protected', 'cirros']);
    const refused = await cli.run('admin', ['image', 'delete', 'cirros']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/HttpException: 403: .*is protected and cannot be deleted\./);
    expect((await show('admin', 'cirros')).status).toBe('active');
    await cli.ok('admin', ['image', 'set', '--unprotected', 'cirros']);
  });

  it('deletes images', async () => {
    await cli.ok('admin', ['image', 'delete', 'cirros', 'pub']);
    const gone = await cli.run('admin', ['image', 'show', 'cirros']);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/No Image found for cirros/);
    const names = (await cli.json<Array<{ Name: string }>>('admin', ['image', 'list'])).map((i) => i.Name);
    // strata up registers its own test image; everything else this test made is accounted for.
    expect(names.filter((n) => n !== 'strata-test-fake').sort()).toEqual(['imported', 'shared-img']);
  });
});
