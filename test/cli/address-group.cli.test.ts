import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable, startStrata } from '../support/strata-process.js';

const ready = openstackCliAvailable() && builtCliAvailable();

interface Row {
  readonly id: string;
  readonly [key: string]: unknown;
}

// Needs Debian's python3-openstackclient and `npm run build`; scripts/test provides both.
describe.skipIf(!ready)('openstack CLI against strata up: address groups', () => {
  let strata: StrataProcess;
  let cli: OpenStackCli;

  beforeAll(async () => {
    strata = await startStrata();
    cli = new OpenStackCli(strata.dataDir);
    cli.setCloud('admin', strata.adminAuth);
  });
  afterAll(async () => {
    if (strata) {
      expect(await strata.stop()).toBe(0);
      await strata.cleanup();
    }
  });

  it('creates, sets and unsets addresses, shows, lists and deletes an address group', async () => {
    const group = await cli.json<Row>('admin', [
      'address',
      'group',
      'create',
      '--address',
      '10.0.0.0/24',
      '--address',
      '192.168.5.7',
      '--description',
      'cli group',
      'cli-ag',
    ]);
    expect(group).toMatchObject({
      name: 'cli-ag',
      description: 'cli group',
      addresses: ['10.0.0.0/24', '192.168.5.7/32'],
    });
    const set = await cli.run('admin', ['address', 'group', 'set', '--address', '2001:db8::/64', 'cli-ag']);
    expect(set.code).toBe(0);
    const unset = await cli.run('admin', ['address', 'group', 'unset', '--address', '10.0.0.0/24', 'cli-ag']);
    expect(unset.code).toBe(0);
    const shown = await cli.json<Row>('admin', ['address', 'group', 'show', 'cli-ag']);
    expect(shown).toMatchObject({ id: group.id, addresses: ['192.168.5.7/32', '2001:db8::/64'] });
    // Unsetting an address not in the group is Neutron's 404, and the CLI fails.
    const again = await cli.run('admin', ['address', 'group', 'unset', '--address', '10.0.0.0/24', 'cli-ag']);
    expect(again.code).not.toBe(0);
    const listed = await cli.json<Row[]>('admin', ['address', 'group', 'list']);
    expect(listed.map((r) => r['Name'])).toContain('cli-ag');

    await cli.json<Row>('admin', ['security', 'group', 'create', 'cli-ag-sg']);
    const rule = await cli.json<Row>('admin', [
      'security',
      'group',
      'rule',
      'create',
      '--protocol',
      'tcp',
      '--dst-port',
      '22',
      '--remote-address-group',
      'cli-ag',
      'cli-ag-sg',
    ]);
    expect(rule).toMatchObject({ remote_address_group_id: group.id, remote_ip_prefix: null });
    // In use by the rule: the delete is refused until the rule goes.
    expect((await cli.run('admin', ['address', 'group', 'delete', 'cli-ag'])).code).not.toBe(0);
    expect((await cli.run('admin', ['security', 'group', 'rule', 'delete', rule.id])).code).toBe(0);
    expect((await cli.run('admin', ['address', 'group', 'delete', 'cli-ag'])).code).toBe(0);
    expect((await cli.run('admin', ['address', 'group', 'show', group.id])).code).not.toBe(0);
  }, 420_000);
});
