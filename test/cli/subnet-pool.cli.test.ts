import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliCloud, stopCliCloud } from '../support/cli-cloud.js';
import { type OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable } from '../support/strata-process.js';

const ready = openstackCliAvailable() && builtCliAvailable();

interface Row {
  readonly id: string;
  readonly [key: string]: unknown;
}

// Needs Debian's python3-openstackclient and `npm run build`; scripts/test provides both.
describe.skipIf(!ready)('openstack CLI against strata up: address scopes and subnet pools', () => {
  let strata: StrataProcess;
  let cli: OpenStackCli;
  const names = (rows: Row[]) => rows.map((r) => r['Name']).sort();

  beforeAll(async () => {
    ({ strata, cli } = await startCliCloud());
  });
  afterAll(() => stopCliCloud(strata));

  it('creates, lists, shows, sets and deletes an address scope', async () => {
    const scope = await cli.json<Row>('admin', [
      'address',
      'scope',
      'create',
      '--ip-version',
      '4',
      'cli-scope',
    ]);
    expect(scope).toMatchObject({ name: 'cli-scope', ip_version: 4, shared: false });
    expect(names(await cli.json<Row[]>('admin', ['address', 'scope', 'list']))).toContain('cli-scope');
    expect(
      (await cli.run('admin', ['address', 'scope', 'set', '--name', 'cli-scope-2', '--share', 'cli-scope']))
        .code,
    ).toBe(0);
    const shown = await cli.json<Row>('admin', ['address', 'scope', 'show', 'cli-scope-2']);
    expect(shown).toMatchObject({ id: scope.id, name: 'cli-scope-2', shared: true });
    expect((await cli.run('admin', ['address', 'scope', 'delete', 'cli-scope-2'])).code).toBe(0);
    expect((await cli.run('admin', ['address', 'scope', 'show', scope.id])).code).not.toBe(0);
  }, 420_000);

  it('creates a subnet pool in a scope, lists, shows, sets and unsets it', async () => {
    await cli.json<Row>('admin', ['address', 'scope', 'create', '--ip-version', '4', 'pool-scope']);
    const pool = await cli.json<Row>('admin', [
      'subnet',
      'pool',
      'create',
      '--pool-prefix',
      '10.200.0.0/16',
      '--default-prefix-length',
      '24',
      '--address-scope',
      'pool-scope',
      '--tag',
      'red',
      'cli-pool',
    ]);
    expect(pool).toMatchObject({ name: 'cli-pool', prefixes: ['10.200.0.0/16'], ip_version: 4 });
    expect(pool['address_scope_id']).toBeTruthy();
    expect(names(await cli.json<Row[]>('admin', ['subnet', 'pool', 'list']))).toContain('cli-pool');
    const set = await cli.run('admin', [
      'subnet',
      'pool',
      'set',
      '--pool-prefix',
      '10.210.0.0/16',
      '--description',
      'two prefixes',
      '--tag',
      'blue',
      'cli-pool',
    ]);
    expect(set.code, set.stderr).toBe(0);
    const shown = await cli.json<Row>('admin', ['subnet', 'pool', 'show', 'cli-pool']);
    expect(shown['prefixes']).toEqual(['10.200.0.0/16', '10.210.0.0/16']);
    expect(shown['description']).toBe('two prefixes');
    expect((shown['tags'] as string[]).sort()).toEqual(['blue', 'red']);
    expect((await cli.run('admin', ['subnet', 'pool', 'unset', '--tag', 'red', 'cli-pool'])).code).toBe(0);
    expect((await cli.json<Row>('admin', ['subnet', 'pool', 'show', 'cli-pool']))['tags']).toEqual(['blue']);
  }, 420_000);

  it('allocates subnets from the pool with --subnet-pool and deletes the pool once they are gone', async () => {
    const pool = await cli.json<Row>('admin', ['subnet', 'pool', 'show', 'cli-pool']);

    await cli.json<Row>('admin', ['network', 'create', 'pool-net']);
    const first = await cli.json<Row>('admin', [
      'subnet',
      'create',
      '--network',
      'pool-net',
      '--subnet-pool',
      'cli-pool',
      'pool-subnet-1',
    ]);
    expect(first).toMatchObject({ cidr: '10.200.0.0/24', subnetpool_id: pool.id });
    const second = await cli.json<Row>('admin', [
      'subnet',
      'create',
      '--network',
      'pool-net',
      '--subnet-pool',
      'cli-pool',
      '--prefix-length',
      '26',
      'pool-subnet-2',
    ]);
    expect(second['cidr']).toBe('10.200.1.0/26');
    const inUse = await cli.run('admin', ['subnet', 'pool', 'delete', 'cli-pool']);
    expect(inUse.code).not.toBe(0);
    expect(inUse.stderr).toContain('Subnet pool has existing allocations');
    expect((await cli.run('admin', ['subnet', 'delete', 'pool-subnet-1', 'pool-subnet-2'])).code).toBe(0);
    expect((await cli.run('admin', ['subnet', 'pool', 'delete', 'cli-pool'])).code).toBe(0);
    expect((await cli.run('admin', ['address', 'scope', 'delete', 'pool-scope'])).code).toBe(0);
  }, 420_000);
});
