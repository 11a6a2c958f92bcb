import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliCloud, stopCliCloud } from '../support/cli-cloud.js';
import { computeMicroversions } from '../../src/compute/compute-version.js';
import { type OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable } from '../support/strata-process.js';

const ready = openstackCliAvailable() && builtCliAvailable();

// The fake driver: servers do not really run, everything else is real (scheduler, agent, placement).
describe.skipIf(!ready)('openstack CLI against strata up: servers on the fake driver', () => {
  let strata: StrataProcess;
  let cli: OpenStackCli;
  const show = async (name: string) => cli.json<Record<string, unknown>>('admin', ['server', 'show', name]);
  const waitFor = async (name: string, status: string) => {
    for (let i = 0; i < 100; i++) {
      const s = await show(name);
      if (s['status'] === status && s['OS-EXT-STS:task_state'] === null) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} never reached ${status}`);
  };

  beforeAll(async () => {
    ({ strata, cli } = await startCliCloud({ extraArgs: ['--fake-hosts', '3'] }));
    // m1.tiny and m1.small are the defaults `strata up` creates; check they are there.
    const flavors = await cli.json<Array<{ Name: string }>>('admin', ['flavor', 'list']);
    expect(flavors.map((f) => f.Name)).toEqual(
      expect.arrayContaining(['m1.tiny', 'm1.small', 'm1.medium', 'm1.large']),
    );
    expect(
      (await cli.json<Array<{ Name: string }>>('admin', ['image', 'list'])).map((i) => i.Name),
    ).toContain('strata-test-fake');
    await cli.createTinyImage('admin', strata.dataDir);
  });
  afterAll(() => stopCliCloud(strata));

  it('creates a server with --wait and lists it', async () => {
    const s = await cli.json<Record<string, unknown>>('admin', [
      'server',
      'create',
      '--flavor',
      'm1.tiny',
      '--image',
      'tiny',
      '--property',
      'role=web',
      '--wait',
      'vm1',
    ]);
    expect(s).toMatchObject({
      name: 'vm1',
      status: 'ACTIVE',
      'OS-EXT-STS:power_state': 1,
      'OS-EXT-AZ:availability_zone': 'nova',
    });
    const list = await cli.json<Array<Record<string, unknown>>>('admin', ['server', 'list', '--long']);
    expect(list).toEqual([
      expect.objectContaining({
        Name: 'vm1',
        Status: 'ACTIVE',
        'Power State': 1,
        'Flavor Name': 'm1.tiny',
        'Image Name': 'tiny',
        Host: 'fake-0001',
        'Availability Zone': 'nova',
      }),
    ]);
  });

  it('runs the lifecycle actions', async () => {
    for (const [args, status] of [
      [['server', 'reboot', 'vm1'], 'ACTIVE'],
      [['server', 'reboot', '--hard', 'vm1'], 'ACTIVE'],
      [['server', 'stop', 'vm1'], 'SHUTOFF'],
      [['server', 'start', 'vm1'], 'ACTIVE'],
      [['server', 'pause', 'vm1'], 'PAUSED'],
      [['server', 'unpause', 'vm1'], 'ACTIVE'],
      [['server', 'suspend', 'vm1'], 'SUSPENDED'],
      [['server', 'resume', 'vm1'], 'ACTIVE'],
      [['server', 'lock', 'vm1'], 'ACTIVE'],
      [['server', 'unlock', 'vm1'], 'ACTIVE'],
      [['server', 'rebuild', '--image', 'tiny', 'vm1'], 'ACTIVE'],
      [['server', 'resize', '--flavor', 'm1.small', '--wait', 'vm1'], 'VERIFY_RESIZE'],
      [['server', 'resize', 'confirm', 'vm1'], 'ACTIVE'],
      [['server', 'resize', '--flavor', 'm1.tiny', '--wait', 'vm1'], 'VERIFY_RESIZE'],
      [['server', 'resize', 'revert', 'vm1'], 'ACTIVE'],
    ] as const) {
      await cli.ok('admin', args);
      await waitFor('vm1', status);
    }
    const events = await cli.json<Array<{ Action: string }>>('admin', ['server', 'event', 'list', 'vm1']);
    expect(events.map((e) => e.Action)).toEqual(
      expect.arrayContaining([
        'create',
        'reboot',
        'stop',
        'start',
        'pause',
        'unpause',
        'suspend',
        'resume',
        'lock',
        'unlock',
        'rebuild',
      ]),
    );
  });

  it('tags, describes and crash-dumps a server at the microversions that bring them', async () => {
    const at = (v: string, ...args: string[]) => ['--os-compute-api-version', v, ...args];
    await cli.ok('admin', at('2.26', 'server', 'set', '--tag', 'web', '--tag', 'prod', 'vm1'));
    await cli.ok('admin', at('2.26', 'server', 'unset', '--tag', 'prod', 'vm1'));
    await cli.ok('admin', at('2.19', 'server', 'set', '--description', 'the web tier', 'vm1'));
    const s = await cli.json('admin', at('2.26', 'server', 'show', 'vm1'));
    expect(s).toMatchObject({ description: 'the web tier', locked: false, host_status: 'UP' });
    expect(JSON.stringify(s['tags'])).toContain('web');
    expect(JSON.stringify(s['tags'])).not.toContain('prod');
    const tagged = await cli.json<Array<{ Name: string }>>(
      'admin',
      at('2.26', 'server', 'list', '--tags', 'web'),
    );
    expect(tagged.map((x) => x.Name)).toEqual(['vm1']);
    expect(await cli.json('admin', at('2.26', 'server', 'list', '--tags', 'prod'))).toEqual([]);
    await cli.ok('admin', at('2.17', 'server', 'dump', 'create', 'vm1'));
    await waitFor('vm1', 'ACTIVE');
    expect(await cli.ok('admin', ['console', 'log', 'show', 'vm1'])).toContain('NMI received');
    // Above the advertised maximum the client is told so.
    const [major, minor] = computeMicroversions.max;
    const tooNew = await cli.run('admin', at(`${major}.${minor + 1}`, 'server', 'show', 'vm1'));
    expect(tooNew.code).not.toBe(0);
  });

  it('shows the console log and snapshots into the image service', async () => {
    expect(await cli.ok('admin', ['console', 'log', 'show', 'vm1'])).toContain('[fake] vm1 booted');
    await cli.ok('admin', ['server', 'image', 'create', '--name', 'vm1-snap', '--wait', 'vm1']);
    const image = await cli.json<{ status: string; properties: Record<string, string> }>('admin', [
      'image',
      'show',
      'vm1-snap',
    ]);
    expect(image.status).toBe('active');
    expect(image.properties).toMatchObject({ image_type: 'snapshot' });
  });

  it('spreads an anti-affinity group over the hosts and reports conflicts and bad input like Nova', async () => {
    const group = await cli.json<{ id: string }>('admin', [
      'server',
      'group',
      'create',
      '--policy',
      'anti-affinity',
      'spread',
    ]);
    const hosts: unknown[] = [];
    for (const name of ['g1', 'g2', 'g3']) {
      const s = await cli.json<Record<string, unknown>>('admin', [
        'server',
        'create',
        '--flavor',
        'm1.tiny',
        '--image',
        'tiny',
        '--hint',
        `group=${group.id}`,
        '--wait',
        name,
      ]);
      hosts.push(s['OS-EXT-SRV-ATTR:host']);
    }
    expect(new Set(hosts).size).toBe(3);
    // Three hosts, three members: a fourth has nowhere to go.
    const fourth = await cli.run('admin', [
      'server',
      'create',
      '--flavor',
      'm1.tiny',
      '--image',
      'tiny',
      '--hint',
      `group=${group.id}`,
      '--wait',
      'g4',
    ]);
    // openstackclient 6.0 prints this and still exits 0.
    expect(fourth.stdout + fourth.stderr).toContain('Error creating server');
    const g4 = await show('g4');
    expect(g4['status']).toBe('ERROR');
    expect(JSON.stringify(g4['fault'])).toContain('No valid host was found.');
    const badFlavor = await cli.run('admin', [
      'server',
      'create',
      '--flavor',
      'no-such-flavor',
      '--image',
      'tiny',
      'x',
    ]);
    expect(badFlavor.stderr).toMatch(
      /No flavor with a name or ID of 'no-such-flavor' exists|Flavor .* could not be found/,
    );
    const wrongState = await cli.run('admin', ['server', 'start', 'vm1']);
    expect(wrongState.stderr).toMatch(
      /Cannot 'start' instance .* while it is in vm_state active \(HTTP 409\)/,
    );
  });

  it('boots with a key pair, user data and --min/--max', async () => {
    // Without --public-key the CLI prints the generated private key, not JSON.
    expect(await cli.ok('admin', ['keypair', 'create', 'cli-key'])).toContain('PRIVATE KEY');
    const userData = join(strata.dataDir, 'user-data.sh');
    writeFileSync(userData, '#!/bin/sh\necho hello from user data\n');
    const s = await cli.json<Record<string, unknown>>('admin', [
      'server',
      'create',
      '--flavor',
      'm1.tiny',
      '--image',
      'tiny',
      '--key-name',
      'cli-key',
      '--user-data',
      userData,
      '--wait',
      'kd1',
    ]);
    expect(s).toMatchObject({ status: 'ACTIVE', key_name: 'cli-key' });
    // --nic none needs compute 2.37, where networks became required.
    const noNic = [
      'server',
      'create',
      '--flavor',
      'm1.tiny',
      '--image',
      'tiny',
      '--nic',
      'none',
      '--wait',
      'nn1',
    ];
    const bare = await cli.json<Record<string, unknown>>('admin', [
      '--os-compute-api-version',
      '2.37',
      ...noNic,
    ]);
    expect(bare).toMatchObject({ status: 'ACTIVE' });
    await cli.ok('admin', ['server', 'delete', '--wait', 'nn1']);
    // The fake driver echoes the user data it was given, base64 as the API received it.
    const encoded = Buffer.from('#!/bin/sh\necho hello from user data\n').toString('base64');
    expect(await cli.ok('admin', ['console', 'log', 'show', 'kd1'])).toContain(encoded);
    const missingKey = await cli.run('admin', [
      'server',
      'create',
      '--flavor',
      'm1.tiny',
      '--image',
      'tiny',
      '--key-name',
      'no-such-key',
      'kd2',
    ]);
    expect(missingKey.code).not.toBe(0);
    await cli.ok('admin', [
      'server',
      'create',
      '--flavor',
      'm1.tiny',
      '--image',
      'tiny',
      '--min',
      '2',
      '--max',
      '2',
      'multi',
    ]);
    for (const name of ['multi-1', 'multi-2']) await waitFor(name, 'ACTIVE');
    const names = (await cli.json<Array<{ Name: string }>>('admin', ['server', 'list'])).map((x) => x.Name);
    expect(names).toEqual(expect.arrayContaining(['kd1', 'multi-1', 'multi-2']));
    expect(names).not.toContain('kd2');
    for (const name of ['kd1', 'multi-1', 'multi-2'])
      await cli.ok('admin', ['server', 'delete', '--wait', name]);
  });

  it('lists zones and hypervisors, shows quotas and deletes servers', async () => {
    const zones = await cli.json<Array<Record<string, string>>>('admin', [
      'availability',
      'zone',
      'list',
      '--compute',
    ]);
    expect(zones).toEqual([expect.objectContaining({ 'Zone Name': 'nova', 'Zone Status': 'available' })]);
    const hypervisors = await cli.json<Array<Record<string, string>>>('admin', ['hypervisor', 'list']);
    expect(hypervisors.map((h) => h['Hypervisor Hostname']).sort()).toEqual([
      'fake-0001',
      'fake-0002',
      'fake-0003',
    ]);
    const quota = await cli.json<Record<string, number>>('admin', ['quota', 'show']);
    expect(quota['instances']).toBe(10);
    // An operator's way out of a stuck server, then the project's usage report.
    await cli.ok('admin', ['server', 'set', '--state', 'error', 'vm1']);
    expect(await cli.json('admin', ['server', 'show', 'vm1'])).toMatchObject({ status: 'ERROR' });
    await cli.ok('admin', ['server', 'set', '--state', 'active', 'vm1']);
    await waitFor('vm1', 'ACTIVE');
    const admin = await cli.json<{ id: string }>('admin', ['project', 'show', 'admin']);
    const usage = await cli.json<Array<{ Project: string; Servers: Array<{ name: string }> }>>('admin', [
      'usage',
      'list',
    ]);
    expect(usage.map((u) => u.Project)).toEqual([admin.id]);
    expect(usage[0]!.Servers.map((s) => s.name)).toEqual(expect.arrayContaining(['vm1', 'g1']));
    for (const name of ['vm1', 'g1', 'g2', 'g3', 'g4'])
      await cli.ok('admin', ['server', 'delete', '--wait', name]);
    expect(await cli.json('admin', ['server', 'list'])).toEqual([]);
    // Deleted servers stay listable for admins, as openstackclient asks for them.
    const deleted = await cli.json<Array<{ Name: string }>>('admin', [
      'server',
      'list',
      '--all-projects',
      '--deleted',
    ]);
    expect(deleted.map((d) => d.Name)).toEqual(expect.arrayContaining(['vm1', 'g1']));
  });
});
