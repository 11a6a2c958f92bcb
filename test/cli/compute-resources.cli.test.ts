import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMemberCloud, startCliCloud, stopCliCloud } from '../support/cli-cloud.js';
import { type OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable } from '../support/strata-process.js';
import { md5Fingerprint, publicKeyFile, sshKeygenAvailable } from './ssh-key-fixtures.js';
import { defaultFlavors } from '../../src/cli/up-bootstrap.js';

const ready = openstackCliAvailable() && builtCliAvailable();

// Needs Debian's python3-openstackclient and `npm run build`; scripts/test provides both.
describe.skipIf(!ready)(
  'openstack CLI against strata up: flavors, keypairs, quotas, hosts, server groups',
  { timeout: 180_000 },
  () => {
    let strata: StrataProcess;
    let cli: OpenStackCli;

    beforeAll(async () => {
      ({ strata, cli } = await startCliCloud());
      await addMemberCloud({ strata, cli }, { project: 'demo', user: 'nia', password: 'nia-pw-1' });
    });
    afterAll(() => stopCliCloud(strata));

    it('creates, lists, shows, sets and deletes flavors', async () => {
      const tiny = await cli.json<Record<string, unknown>>('admin', [
        'flavor',
        'create',
        '--ram',
        '512',
        '--disk',
        '1',
        '--vcpus',
        '1',
        'c1.tiny',
      ]);
      expect(tiny).toMatchObject({
        name: 'c1.tiny',
        ram: 512,
        disk: 1,
        vcpus: 1,
        'os-flavor-access:is_public': true,
        swap: '',
      });
      const priv = await cli.json<{ id: string }>('admin', [
        'flavor',
        'create',
        '--ram',
        '1024',
        '--disk',
        '5',
        '--vcpus',
        '2',
        '--private',
        '--project',
        'demo',
        'c1.private',
      ]);
      await cli.ok('admin', [
        'flavor',
        'set',
        '--property',
        'hw:cpu_policy=dedicated',
        '--property',
        'hw:numa_nodes=1',
        'c1.tiny',
      ]);
      const shown = await cli.json<Record<string, unknown>>('admin', ['flavor', 'show', 'c1.tiny']);
      expect(shown['properties']).toEqual({ 'hw:cpu_policy': 'dedicated', 'hw:numa_nodes': '1' });
      const demo = await cli.json<{ id: string }>('admin', ['project', 'show', 'demo']);
      const privShown = await cli.json<Record<string, unknown>>('admin', ['flavor', 'show', 'c1.private']);
      expect(privShown).toMatchObject({ 'os-flavor-access:is_public': false, access_project_ids: [demo.id] });

      const adminList = await cli.json<Array<{ Name: string }>>('admin', ['flavor', 'list', '--all']);
      expect(adminList.map((f) => f.Name)).toEqual(expect.arrayContaining(['c1.tiny', 'c1.private']));
      // The member's project was given access to the private flavor.
      const memberList = await cli.json<Array<{ Name: string; 'Is Public': boolean }>>('member', [
        'flavor',
        'list',
      ]);
      // strata up adds DevStack's public defaults; the member sees those, its shared private flavor, and no other.
      const defaults = new Set<string>(defaultFlavors.map((f) => f.name));
      expect(
        memberList
          .map((f) => f.Name)
          .filter((n) => !defaults.has(n))
          .sort(),
      ).toEqual(['c1.private', 'c1.tiny']);

      const denied = await cli.run('member', [
        'flavor',
        'create',
        '--ram',
        '1',
        '--disk',
        '0',
        '--vcpus',
        '1',
        'sneaky',
      ]);
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toMatch(/os_compute_api:os-flavor-manage:create/);

      await cli.ok('admin', ['flavor', 'delete', 'c1.private']);
      const gone = await cli.run('admin', ['flavor', 'show', priv.id]);
      expect(gone.code).not.toBe(0);
      expect(gone.stderr).toMatch(/No Flavor found|could not be found/);
    });

    it('generates a key pair whose private key matches its public key', async () => {
      const printed = await cli.ok('member', ['keypair', 'create', 'generated']);
      expect(printed).toMatch(/-----BEGIN RSA PRIVATE KEY-----/);
      const keyFile = join(strata.dataDir, 'saved-key');
      const saved = await cli.json<{ name: string; fingerprint: string }>('member', [
        'keypair',
        'create',
        '--private-key',
        keyFile,
        'saved',
      ]);
      const publicKey = (await cli.ok('member', ['keypair', 'show', '--public-key', 'saved'])).trim();
      expect(saved.fingerprint).toBe(md5Fingerprint(publicKey));
      if (sshKeygenAvailable()) {
        chmodSync(keyFile, 0o600);
        const derived = execFileSync('ssh-keygen', ['-y', '-f', keyFile], { encoding: 'utf8' }).trim();
        expect(derived.split(' ').slice(0, 2)).toEqual(publicKey.split(' ').slice(0, 2));
      }
    });

    it.each(['rsa', 'ed25519'] as const)(
      'imports an ssh-%s public key with the fingerprint ssh-keygen reports',
      async (kind) => {
        const file = publicKeyFile(strata.dataDir, kind);
        const line = readFileSync(file, 'utf8').trim();
        const created = await cli.json<{ name: string; fingerprint: string; type: string }>('member', [
          'keypair',
          'create',
          '--public-key',
          file,
          `imported-${kind}`,
        ]);
        expect(created.fingerprint).toBe(md5Fingerprint(line));
        if (sshKeygenAvailable()) {
          const reported = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', file], { encoding: 'utf8' });
          expect(reported).toContain(`MD5:${created.fingerprint}`);
        }
        const shown = await cli.json<{ fingerprint: string; user_id: string }>('member', [
          'keypair',
          'show',
          `imported-${kind}`,
        ]);
        expect(shown.fingerprint).toBe(created.fingerprint);
      },
    );

    it('lists, refuses bad keys and deletes key pairs per user', async () => {
      const list = await cli.json<Array<{ Name: string }>>('member', ['keypair', 'list']);
      expect(list.map((k) => k.Name)).toEqual(['generated', 'imported-ed25519', 'imported-rsa', 'saved']);
      expect(await cli.json<unknown[]>('admin', ['keypair', 'list'])).toEqual([]);
      const badFile = join(strata.dataDir, 'bad.pub');
      writeFileSync(badFile, 'ssh-rsa AAAAnotakey user@host\n');
      const bad = await cli.run('member', ['keypair', 'create', '--public-key', badFile, 'bad']);
      expect(bad.stderr).toMatch(/Keypair data is invalid: failed to generate fingerprint/);
      const dup = await cli.run('member', [
        'keypair',
        'create',
        '--public-key',
        badFile.replace('bad.pub', 'id_ed25519.pub'),
        'saved',
      ]);
      expect(dup.stderr).toMatch(/Key pair 'saved' already exists/);
      await cli.ok('member', ['keypair', 'delete', 'generated', 'saved']);
      const after = await cli.json<Array<{ Name: string }>>('member', ['keypair', 'list']);
      expect(after.map((k) => k.Name)).toEqual(['imported-ed25519', 'imported-rsa']);
    });

    it('shows and sets quotas', async () => {
      const own = await cli.json<Record<string, unknown>>('member', ['quota', 'show']);
      expect(own).toMatchObject({
        instances: 10,
        cores: 20,
        ram: 51200,
        'key-pairs': 100,
        'server-groups': 10,
        project_name: 'demo',
      });
      await cli.ok('admin', ['quota', 'set', '--instances', '7', '--cores', '30', 'demo']);
      expect(await cli.json<Record<string, unknown>>('admin', ['quota', 'show', 'demo'])).toMatchObject({
        instances: 7,
        cores: 30,
      });
      expect(await cli.json<Record<string, unknown>>('member', ['quota', 'show'])).toMatchObject({
        instances: 7,
      });
      const denied = await cli.run('member', ['quota', 'set', '--instances', '100', 'demo']);
      expect(denied.stderr).toMatch(/HTTP 403|os-quota-sets:update/);
      const limits = await cli.json<Array<{ Name: string; Value: number }>>('member', [
        'limits',
        'show',
        '--absolute',
      ]);
      expect(limits).toEqual(
        expect.arrayContaining([
          { Name: 'maxTotalInstances', Value: 7 },
          { Name: 'totalInstancesUsed', Value: 0 },
        ]),
      );
    });

    it('lists availability zones and hypervisors, including a host registered directly in the database', async () => {
      // The all-in-one process runs one fake host; add a second row as a remote agent would.
      const db = new SQLite(join(strata.dataDir, 'strata.db'));
      try {
        db.pragma('busy_timeout = 5000');
        const now = new Date().toISOString();
        db.prepare(
          // With the next service number, as the host registry numbers every host (Nova's integer id).
          `INSERT INTO compute_hosts (id, service_number, hostname, driver, availability_zone, status,
           disabled_reason, forced_down, last_heartbeat, provider_id, vcpus, memory_mb, local_gb, facts, created_at)
         VALUES (?, (SELECT coalesce(max(service_number), 0) + 1 FROM compute_hosts), 'cli-host-1', 'fake',
           'cli-zone', 'enabled', NULL, 0, ?, ?, 8, 16384, 100, '{}', ?)`,
        ).run(randomUUID(), now, randomUUID(), now);
      } finally {
        db.close();
      }
      // Without a network service the CLI's default (all services) listing fails, so ask compute only.
      const zones = await cli.json<Array<{ 'Zone Name': string; 'Zone Status': string }>>('admin', [
        'availability',
        'zone',
        'list',
        '--compute',
      ]);
      expect(zones).toEqual(
        expect.arrayContaining([
          { 'Zone Name': 'cli-zone', 'Zone Status': 'available' },
          { 'Zone Name': 'nova', 'Zone Status': 'available' },
        ]),
      );
      const hypervisors = await cli.json<Array<Record<string, unknown>>>('admin', [
        'hypervisor',
        'list',
        '--long',
      ]);
      expect(hypervisors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            'Hypervisor Hostname': 'cli-host-1',
            'Hypervisor Type': 'fake',
            State: 'up',
            vCPUs: 8,
            'Memory MB': 16384,
          }),
          expect.objectContaining({ 'Hypervisor Hostname': 'fake-0001', State: 'up' }),
        ]),
      );
      await cli.ok('admin', [
        'compute',
        'service',
        'set',
        '--disable',
        '--disable-reason',
        'maintenance',
        'cli-host-1',
        'nova-compute',
      ]);
      const services = await cli.json<Array<Record<string, unknown>>>('admin', [
        'compute',
        'service',
        'list',
        '--long',
      ]);
      expect(services).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Host: 'cli-host-1',
            Status: 'disabled',
            'Disabled Reason': 'maintenance',
          }),
        ]),
      );
      const after = await cli.json<Array<{ 'Zone Name': string; 'Zone Status': string }>>('admin', [
        'availability',
        'zone',
        'list',
        '--compute',
      ]);
      expect(after).toEqual(
        expect.arrayContaining([{ 'Zone Name': 'cli-zone', 'Zone Status': 'not available' }]),
      );
      expect((await cli.run('member', ['hypervisor', 'list'])).stderr).toMatch(/HTTP 403|os-hypervisors/);
    });

    it('creates, lists, shows and deletes server groups', async () => {
      const g = await cli.json<{ id: string; name: string; policies: string[]; members: string[] }>(
        'member',
        ['server', 'group', 'create', '--policy', 'anti-affinity', 'web'],
      );
      expect(g).toMatchObject({ name: 'web', policies: ['anti-affinity'], members: [] });
      const list = await cli.json<Array<{ ID: string; Name: string; Policies: string[] }>>('member', [
        'server',
        'group',
        'list',
      ]);
      expect(list).toEqual([{ ID: g.id, Name: 'web', Policies: ['anti-affinity'] }]);
      expect(await cli.json<unknown[]>('admin', ['server', 'group', 'list'])).toEqual([]);
      const all = await cli.json<Array<{ ID: string }>>('admin', [
        'server',
        'group',
        'list',
        '--all-projects',
      ]);
      expect(all.map((x) => x.ID)).toContain(g.id);
      expect(await cli.json<{ id: string }>('member', ['server', 'group', 'show', 'web'])).toMatchObject({
        id: g.id,
        policies: ['anti-affinity'],
      });
      await cli.ok('member', ['server', 'group', 'delete', 'web']);
      expect(await cli.json<unknown[]>('member', ['server', 'group', 'list'])).toEqual([]);
    });
  },
);
