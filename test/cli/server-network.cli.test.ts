import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable, startStrata } from '../support/strata-process.js';

const ready = openstackCliAvailable() && builtCliAvailable();

// Servers with ports on the fake driver and the fake dataplane.
describe.skipIf(!ready)('openstack CLI against strata up: servers on networks', () => {
  let strata: StrataProcess;
  let cli: OpenStackCli;
  const show = async (name: string) => cli.json<Record<string, unknown>>('admin', ['server', 'show', name]);
  const until = async (check: () => Promise<boolean>, what: string) => {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`never: ${what}`);
  };

  beforeAll(async () => {
    strata = await startStrata({ extraArgs: ['--fake-hosts', '1'] });
    cli = new OpenStackCli(strata.dataDir);
    cli.setCloud('admin', strata.adminAuth);
  });
  afterAll(async () => {
    if (strata) {
      expect(await strata.stop()).toBe(0);
      strata.cleanup();
    }
  });

  it('boots on a network with an address, adds and removes a port and a network', async () => {
    await cli.ok('admin', ['network', 'create', 'cli-net']);
    await cli.ok('admin', [
      'subnet',
      'create',
      '--network',
      'cli-net',
      '--subnet-range',
      '10.60.0.0/24',
      'cli-sub',
    ]);
    const s = await cli.json<Record<string, unknown>>('admin', [
      'server',
      'create',
      '--flavor',
      'm1.tiny',
      '--image',
      'strata-test-fake',
      '--network',
      'cli-net',
      '--wait',
      'vm-net',
    ]);
    expect(s['status']).toBe('ACTIVE');
    expect(JSON.stringify(s['addresses'])).toMatch(/cli-net.*10\.60\.0\.\d+/);

    const port = await cli.json<{ id: string }>('admin', ['port', 'create', '--network', 'cli-net', 'extra']);
    await cli.ok('admin', ['server', 'add', 'port', 'vm-net', 'extra']);
    await until(
      async () =>
        (await cli.json<{ status: string }>('admin', ['port', 'show', port.id])).status === 'ACTIVE',
      'the added port goes ACTIVE',
    );
    const ips = JSON.stringify((await show('vm-net'))['addresses']);
    expect(ips.match(/10\.60\.0\.\d+/g)).toHaveLength(2);
    await cli.ok('admin', ['server', 'remove', 'port', 'vm-net', 'extra']);
    await until(
      async () =>
        (await cli.json<{ device_id: string }>('admin', ['port', 'show', port.id])).device_id === '',
      'the removed port is unbound',
    );

    // Found through Nova's os-security-groups, then applied to every port of the server.
    await cli.ok('admin', ['security', 'group', 'create', 'cli-web']);
    await cli.ok('admin', ['server', 'add', 'security', 'group', 'vm-net', 'cli-web']);
    const groups = async () => (await show('vm-net'))['security_groups'] as { name: string }[] | undefined;
    expect((await groups())?.map((g) => g.name).sort()).toEqual(['cli-web', 'default']);
    await cli.ok('admin', ['server', 'remove', 'security', 'group', 'vm-net', 'cli-web']);
    expect((await groups())?.map((g) => g.name)).toEqual(['default']);

    await cli.ok('admin', ['server', 'add', 'network', 'vm-net', 'cli-net']);
    const ports = await cli.json<unknown[]>('admin', ['port', 'list', '--server', 'vm-net']);
    expect(ports).toHaveLength(2);
    await cli.ok('admin', ['server', 'delete', '--wait', 'vm-net']);
    expect(await cli.json<unknown[]>('admin', ['port', 'list', '--network', 'cli-net'])).toHaveLength(1);
  });
});
