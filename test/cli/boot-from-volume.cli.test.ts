import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliCloud, stopCliCloud } from '../support/cli-cloud.js';
import { type OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable } from '../support/strata-process.js';

const ready = openstackCliAvailable() && builtCliAvailable();

type Json = Record<string, unknown>;

// Needs Debian's python3-openstackclient and `npm run build`; the fake driver runs the servers.
describe.skipIf(!ready)('openstack CLI against strata up: volumes from images, boot from volume', () => {
  let strata: StrataProcess;
  let cli: OpenStackCli;
  async function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
    const end = Date.now() + 60_000;
    for (;;) {
      const v = await read();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`${what} did not happen`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  const volumeIn = (name: string, status: string) =>
    until(`${name} ${status}`, async () => {
      const v = await cli.json<Json>('admin', ['volume', 'show', name]);
      return v['status'] === status ? v : undefined;
    });

  beforeAll(async () => {
    ({ strata, cli } = await startCliCloud({ extraArgs: ['--fake-hosts', '1'] }));
  });
  afterAll(() => stopCliCloud(strata));

  it('volume create --image, server create --volume / --boot-from-volume, image create --volume', async () => {
    await cli.ok('admin', ['volume', 'create', '--image', 'strata-test-fake', '--size', '1', 'root-vol']);
    const vol = await volumeIn('root-vol', 'available');
    expect(vol['bootable']).toBe('true');
    expect(vol['volume_image_metadata']).toMatchObject({
      image_name: 'strata-test-fake',
      disk_format: 'raw',
    });

    await cli.ok('admin', [
      'server',
      'create',
      '--flavor',
      'm1.tiny',
      '--volume',
      'root-vol',
      '--wait',
      'bfv1',
    ]);
    const s1 = await cli.json<Json>('admin', ['server', 'show', 'bfv1']);
    expect(s1['status']).toBe('ACTIVE');
    expect(s1['image']).toBe('N/A (booted from volume)');
    await volumeIn('root-vol', 'in-use');

    await cli.ok('admin', [
      'server',
      'create',
      '--flavor',
      'm1.tiny',
      '--image',
      'strata-test-fake',
      '--boot-from-volume',
      '1',
      '--wait',
      'bfv2',
    ]);
    const s2 = await cli.json<Json>('admin', ['server', 'show', 'bfv2']);
    expect(s2['status']).toBe('ACTIVE');
    expect(s2['image']).toBe('N/A (booted from volume)');

    await cli.ok('admin', ['server', 'delete', '--wait', 'bfv1']);
    await volumeIn('root-vol', 'available');
    await cli.ok('admin', ['image', 'create', '--volume', 'root-vol', '--disk-format', 'qcow2', 'from-vol']);
    const img = await until('from-vol active', async () => {
      const i = await cli.json<Json>('admin', ['image', 'show', 'from-vol']);
      return i['status'] === 'active' ? i : undefined;
    });
    expect(img).toMatchObject({ disk_format: 'qcow2', container_format: 'bare' });
    await volumeIn('root-vol', 'available');
  });
});
