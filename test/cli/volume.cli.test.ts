import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable, startStrata } from '../support/strata-process.js';

const ready = openstackCliAvailable() && builtCliAvailable();

type Json = Record<string, unknown>;

// Needs Debian's python3-openstackclient and `npm run build`; the fake driver runs the server.
describe.skipIf(!ready)('openstack CLI against strata up: volume', () => {
  let strata: StrataProcess;
  let cli: OpenStackCli;
  const show = (name: string) => cli.json<Json>('admin', ['volume', 'show', name]);
  const waitFor = async (name: string, status: string): Promise<Json> => {
    const until = Date.now() + 30_000;
    for (;;) {
      const v = await show(name);
      if (v['status'] === status) return v;
      if (Date.now() > until) throw new Error(`${name} never reached ${status}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    strata = await startStrata({ extraArgs: ['--fake-hosts', '1'] });
    cli = new OpenStackCli(strata.dataDir);
    cli.setCloud('admin', strata.adminAuth);
  });
  afterAll(async () => {
    if (strata) {
      expect(await strata.stop()).toBe(0);
      await strata.cleanup();
    }
  });

  it('creates a volume, attaches it to a server, detaches and deletes it', async () => {
    const created = await cli.json<Json>('admin', ['volume', 'create', '--size', '1', 'vol1']);
    expect(created).toMatchObject({ name: 'vol1', size: 1 });
    await waitFor('vol1', 'available');
    const list = await cli.json<Json[]>('admin', ['volume', 'list']);
    expect(list).toEqual([expect.objectContaining({ Name: 'vol1', Status: 'available', Size: 1 })]);

    await cli.ok('admin', [
      'server',
      'create',
      '--flavor',
      'm1.tiny',
      '--image',
      'strata-test-fake',
      '--wait',
      'vm1',
    ]);
    await cli.ok('admin', ['server', 'add', 'volume', 'vm1', 'vol1']);
    const inUse = await waitFor('vol1', 'in-use');
    const server = await cli.json<Json>('admin', ['server', 'show', 'vm1']);
    expect(inUse['attachments']).toEqual([
      expect.objectContaining({ server_id: server['id'], device: '/dev/vdb' }),
    ]);
    const refused = await cli.run('admin', ['volume', 'delete', 'vol1']);
    expect(refused.code).not.toBe(0);

    await cli.ok('admin', ['server', 'remove', 'volume', 'vm1', 'vol1']);
    await waitFor('vol1', 'available');
    await cli.ok('admin', ['volume', 'delete', 'vol1']);
    const until = Date.now() + 30_000;
    while ((await cli.json<Json[]>('admin', ['volume', 'list'])).length > 0) {
      if (Date.now() > until) throw new Error('vol1 was never deleted');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
});
