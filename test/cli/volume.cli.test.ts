import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliCloud, stopCliCloud } from '../support/cli-cloud.js';
import { type OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable } from '../support/strata-process.js';

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
    ({ strata, cli } = await startCliCloud({ extraArgs: ['--fake-hosts', '1'] }));
  });
  afterAll(() => stopCliCloud(strata));

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

    // Cinder's attachments API (3.27) shows compute's attachment; an in-use extend (3.42).
    const attachments = await cli.json<Json[]>('admin', [
      ...['--os-volume-api-version', '3.27', 'volume', 'attachment', 'list'],
    ]);
    expect(attachments).toEqual([
      expect.objectContaining({ 'Volume ID': inUse['id'], 'Server ID': server['id'], Status: 'attached' }),
    ]);
    const attachment = await cli.json<Json>('admin', [
      ...['--os-volume-api-version', '3.27', 'volume', 'attachment', 'show', String(attachments[0]!['ID'])],
    ]);
    expect(attachment).toMatchObject({
      Status: 'attached',
      'Attach Mode': 'rw',
      'Instance ID': server['id'],
    });
    await cli.ok('admin', ['--os-volume-api-version', '3.42', 'volume', 'set', '--size', '2', 'vol1']);
    const extended = await waitFor('vol1', 'in-use');
    expect(extended['size']).toBe(2);

    await cli.ok('admin', ['server', 'remove', 'volume', 'vm1', 'vol1']);
    await waitFor('vol1', 'available');
    await cli.ok('admin', ['volume', 'delete', 'vol1']);
    const until = Date.now() + 30_000;
    while ((await cli.json<Json[]>('admin', ['volume', 'list'])).length > 0) {
      if (Date.now() > until) throw new Error('vol1 was never deleted');
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  const v360 = (args: string[]) => ['--os-volume-api-version', '3.60', ...args];

  // Each openstack call takes seconds on a loaded host: these tests get their own budget.
  it('creates, lists, shows and sets volume types at 3.60', async () => {
    const created = await cli.json<Json>(
      'admin',
      v360(['volume', 'type', 'create', '--description', 'fast', '--property', 'tier=gold', 'gold']),
    );
    expect(created).toMatchObject({ name: 'gold', description: 'fast', is_public: true });
    const types = await cli.json<Json[]>('admin', v360(['volume', 'type', 'list']));
    expect(types.map((x) => x['Name']).sort()).toEqual(['__DEFAULT__', 'gold']);
    await cli.ok('admin', v360(['volume', 'type', 'set', '--property', 'speed=high', 'gold']));
    const shown = await cli.json<Json>('admin', v360(['volume', 'type', 'show', 'gold']));
    expect(JSON.stringify(shown['properties'])).toMatch(/speed.*high/);
    expect(JSON.stringify(shown['properties'])).toMatch(/tier.*gold/);
  }, 420_000);

  it('snapshots a volume and makes volumes from the snapshot and from the volume at 3.60', async () => {
    await cli.ok('admin', v360(['volume', 'create', '--size', '1', '--type', 'gold', 'vol2']));
    expect(await waitFor('vol2', 'available')).toMatchObject({ type: 'gold' });
    const refused = await cli.run('admin', v360(['volume', 'type', 'delete', 'gold']));
    expect(refused.code).not.toBe(0);

    const snap = await cli.json<Json>(
      'admin',
      v360(['volume', 'snapshot', 'create', '--volume', 'vol2', 'snap1']),
    );
    expect(snap).toMatchObject({ name: 'snap1', size: 1 });
    const until = Date.now() + 30_000;
    while (
      (await cli.json<Json>('admin', v360(['volume', 'snapshot', 'show', 'snap1'])))['status'] !== 'available'
    ) {
      if (Date.now() > until) throw new Error('snap1 never available');
      await new Promise((r) => setTimeout(r, 200));
    }
    const snaps = await cli.json<Json[]>('admin', v360(['volume', 'snapshot', 'list']));
    expect(snaps).toEqual([expect.objectContaining({ Name: 'snap1', Status: 'available', Size: 1 })]);

    await cli.ok('admin', v360(['volume', 'create', '--snapshot', 'snap1', 'vol3']));
    expect(await waitFor('vol3', 'available')).toMatchObject({
      snapshot_id: snap['id'],
      size: 1,
      type: 'gold',
    });
    await cli.ok('admin', v360(['volume', 'create', '--source', 'vol2', '--size', '2', 'vol4']));
    const vol2 = await show('vol2');
    expect(await waitFor('vol4', 'available')).toMatchObject({ source_volid: vol2['id'], size: 2 });

    expect((await cli.run('admin', v360(['volume', 'delete', 'vol2']))).code).not.toBe(0);
    await cli.ok('admin', v360(['volume', 'snapshot', 'delete', 'snap1']));
    const gone = Date.now() + 30_000;
    while ((await cli.json<Json[]>('admin', v360(['volume', 'snapshot', 'list']))).length > 0) {
      if (Date.now() > gone) throw new Error('snap1 was never deleted');
      await new Promise((r) => setTimeout(r, 200));
    }
    await cli.ok('admin', v360(['volume', 'delete', 'vol2', 'vol3', 'vol4']));
    const empty = Date.now() + 30_000;
    while ((await cli.json<Json[]>('admin', ['volume', 'list'])).length > 0) {
      if (Date.now() > empty) throw new Error('volumes were never deleted');
      await new Promise((r) => setTimeout(r, 200));
    }
    await cli.ok('admin', v360(['volume', 'type', 'delete', 'gold']));
    const left = await cli.json<Json[]>('admin', v360(['volume', 'type', 'list']));
    expect(left.map((x) => x['Name'])).toEqual(['__DEFAULT__']);
  }, 420_000);
});
