import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliCloud, stopCliCloud } from '../support/cli-cloud.js';
import { type OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable } from '../support/strata-process.js';

// osc-placement (Debian's python3-osc-placement) adds the placement commands to `openstack`.
const oscPlacement = existsSync('/usr/lib/python3/dist-packages/osc_placement');
const ready = openstackCliAvailable() && builtCliAvailable() && oscPlacement;

interface Provider {
  readonly uuid: string;
  readonly name: string;
  readonly generation: number;
  readonly parent_provider_uuid?: string | null;
}

// Needs python3-openstackclient, python3-osc-placement and `npm run build`; scripts/test provides them.
describe.skipIf(!ready)('openstack CLI (osc-placement) against strata up: placement', () => {
  let strata: StrataProcess;
  let cli: OpenStackCli;
  let rp: Provider;
  // The newest placement microversion Strata serves; osc-placement asks for 1.0 otherwise.
  const at = (v: string, args: string[]) => ['--os-placement-api-version', v, ...args];
  const json = <T>(args: string[], v = '1.39') => cli.json<T>('admin', at(v, args));

  beforeAll(async () => {
    ({ strata, cli } = await startCliCloud());
  });
  afterAll(() => stopCliCloud(strata));

  it("lists the fake compute host's provider with its inventory", async () => {
    // The volume backend's pool (`host@file#file`) is a provider too.
    const providers = (await json<Provider[]>(['resource', 'provider', 'list'])).filter(
      (p) => !p.name.includes('@'),
    );
    expect(providers.length).toBeGreaterThanOrEqual(1);
    const inv = await json<Array<{ resource_class: string; total: number }>>([
      'resource',
      'provider',
      'inventory',
      'list',
      providers[0]!.uuid,
    ]);
    expect(inv.map((i) => i.resource_class)).toEqual(
      expect.arrayContaining(['VCPU', 'MEMORY_MB', 'DISK_GB']),
    );
  });

  it('creates a provider, sets its inventory, traits and aggregates, and shows them', async () => {
    rp = await json<Provider>(['resource', 'provider', 'create', 'cli-rp']);
    expect(rp).toMatchObject({ name: 'cli-rp', generation: 0 });
    const set = await json<Array<{ resource_class: string; total: number; allocation_ratio: number }>>([
      'resource',
      'provider',
      'inventory',
      'set',
      rp.uuid,
      '--resource',
      'VCPU=8',
      '--resource',
      'VCPU:allocation_ratio=2.0',
      '--resource',
      'MEMORY_MB=4096',
    ]);
    expect(set.find((i) => i.resource_class === 'VCPU')).toMatchObject({ total: 8, allocation_ratio: 2 });
    await cli.ok('admin', at('1.39', ['trait', 'create', 'CUSTOM_CLI_FAST']));
    const traits = await json<Array<{ name: string }>>([
      'resource',
      'provider',
      'trait',
      'set',
      '--trait',
      'CUSTOM_CLI_FAST',
      '--trait',
      'HW_CPU_X86_AVX2',
      rp.uuid,
    ]);
    expect(traits.map((t) => t.name).sort()).toEqual(['CUSTOM_CLI_FAST', 'HW_CPU_X86_AVX2']);
    const agg = randomUUID();
    const shown = await json<Provider>(['resource', 'provider', 'show', rp.uuid]);
    const aggregates = await json<Array<{ uuid: string }>>([
      'resource',
      'provider',
      'aggregate',
      'set',
      '--aggregate',
      agg,
      '--generation',
      String(shown.generation),
      rp.uuid,
    ]);
    expect(aggregates.map((a) => a.uuid)).toEqual([agg]);
  });

  it('finds the provider as an allocation candidate by trait, then allocates and shows usage', async () => {
    const candidates = await json<Array<{ 'resource provider': string; allocation: string }>>([
      'allocation',
      'candidate',
      'list',
      '--resource',
      'VCPU=4',
      '--required',
      'CUSTOM_CLI_FAST',
    ]);
    expect(candidates.map((c) => c['resource provider'])).toEqual([rp.uuid]);
    expect(candidates[0]!.allocation).toBe('VCPU=4');
    const consumer = randomUUID();
    await json([
      'resource',
      'provider',
      'allocation',
      'set',
      consumer,
      '--project-id',
      randomUUID(),
      '--user-id',
      randomUUID(),
      '--consumer-type',
      'INSTANCE',
      '--allocation',
      `rp=${rp.uuid},VCPU=4,MEMORY_MB=1024`,
    ]);
    const usage = await json<Array<{ resource_class: string; usage: number }>>([
      'resource',
      'provider',
      'usage',
      'show',
      rp.uuid,
    ]);
    expect(Object.fromEntries(usage.map((u) => [u.resource_class, u.usage]))).toMatchObject({
      VCPU: 4,
      MEMORY_MB: 1024,
    });
    // In use: the provider cannot go while it holds the allocation.
    const refused = await cli.run('admin', at('1.39', ['resource', 'provider', 'delete', rp.uuid]));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/409|in use|allocations/i);
    await cli.ok('admin', at('1.39', ['resource', 'provider', 'allocation', 'delete', consumer]));
    await cli.ok('admin', at('1.39', ['resource', 'provider', 'delete', rp.uuid]));
    const left = await json<Provider[]>(['resource', 'provider', 'list', '--name', 'cli-rp']);
    expect(left).toEqual([]);
  });

  it("shows the volume backend's pool as a sharing DISK_GB provider whose usage follows the volumes", async () => {
    const shared = await json<Provider[]>([
      'resource',
      'provider',
      'list',
      '--required',
      'MISC_SHARES_VIA_AGGREGATE',
    ]);
    expect(shared.map((p) => p.name)).toEqual([expect.stringMatching(/@file#file$/)]);
    const pool = shared[0]!;
    const shown = await json<Provider>(['resource', 'provider', 'show', pool.uuid]);
    expect(shown).toMatchObject({ uuid: pool.uuid, name: pool.name, parent_provider_uuid: null });
    const inv = await json<Array<{ resource_class: string; total: number; allocation_ratio: number }>>([
      'resource',
      'provider',
      'inventory',
      'list',
      pool.uuid,
    ]);
    expect(inv).toEqual([expect.objectContaining({ resource_class: 'DISK_GB', allocation_ratio: 1 })]);
    expect(inv[0]!.total).toBeGreaterThan(0);
    const diskUsage = async () =>
      (
        await json<Array<{ resource_class: string; usage: number }>>([
          'resource',
          'provider',
          'usage',
          'show',
          pool.uuid,
        ])
      ).find((u) => u.resource_class === 'DISK_GB')?.usage;
    const before = await diskUsage();
    const v = await cli.json<{ id: string }>('admin', ['volume', 'create', '--size', '2', 'cli-pool-vol']);
    expect(await diskUsage()).toBe((before ?? 0) + 2);
    for (let i = 0; ; i++) {
      const s = await cli.json<{ status: string }>('admin', ['volume', 'show', v.id]);
      if (s.status === 'available') break;
      if (i > 100) throw new Error(`volume ${v.id} is ${s.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await cli.ok('admin', ['volume', 'delete', v.id]);
    for (let i = 0; (await diskUsage()) !== before; i++) {
      if (i > 100) throw new Error('the volume claim was never released');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('refuses an unknown resource class in an inventory, changing nothing', async () => {
    const other = await json<Provider>(['resource', 'provider', 'create', 'cli-rp-2']);
    const res = await cli.run(
      'admin',
      at('1.39', ['resource', 'provider', 'inventory', 'set', other.uuid, '--resource', 'CUSTOM_NOPE=1']),
    );
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('CUSTOM_NOPE');
    const after = await json<Provider>(['resource', 'provider', 'show', other.uuid]);
    expect(after.generation).toBe(0);
  });
});
