import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../drivers/driver.js';
import { hasCommand, runCommand } from '../host/command.js';
import { buildConfigDriveIso, configDriveFiles } from './config-drive.js';

const spec: WorkloadSpec = {
  workloadId: '9b2d6a1e-0000-4000-8000-000000000001',
  name: 'web 1',
  hostname: 'web-1',
  kind: 'vm',
  vcpus: 1,
  memoryMb: 128,
  rootGb: 1,
  image: { id: 'img', diskFormat: 'qcow2', containerFormat: 'bare', properties: {} },
  projectId: 'p1',
  availabilityZone: 'nova',
  launchIndex: 0,
  userData: Buffer.from('#!/bin/sh\necho hello\n').toString('base64'),
  metadata: { role: 'web' },
  keyName: 'mykey',
  keyData: 'ssh-ed25519 AAAAC3Nza test@host',
  configDrive: true,
  extraSpecs: {},
  nics: [],
  disks: [],
};

describe('config drive', () => {
  it('carries the metadata, the decoded user data and the keys', () => {
    const files = configDriveFiles(spec);
    const meta = JSON.parse(files.get('openstack/latest/meta_data.json')!.toString());
    expect(meta).toMatchObject({
      uuid: spec.workloadId,
      hostname: 'web-1',
      name: 'web 1',
      meta: { role: 'web' },
      public_keys: { mykey: spec.keyData },
      keys: [{ name: 'mykey', type: 'ssh', data: spec.keyData }],
    });
    expect(files.get('openstack/latest/user_data')!.toString()).toBe('#!/bin/sh\necho hello\n');
    expect(JSON.parse(files.get('openstack/latest/network_data.json')!.toString())).toEqual({
      links: [],
      networks: [],
      services: [],
    });
  });

  it('describes the NICs in network_data.json', () => {
    const nic = {
      portId: 'port-1',
      networkId: 'net-1',
      mac: 'fa:16:3e:00:00:01',
      mtu: 1400,
      hostName: 'tapport-1',
      fixedIps: [],
    };
    const files = configDriveFiles({ ...spec, nics: [nic] });
    const data = JSON.parse(files.get('openstack/2018-08-27/network_data.json')!.toString());
    expect(data.links).toEqual([
      { id: 'tapport-1', type: 'vif', ethernet_mac_address: nic.mac, mtu: 1400, vif_id: 'port-1' },
    ]);
  });

  it('leaves user_data out when the server has none', () => {
    expect(configDriveFiles({ ...spec, userData: null }).has('openstack/latest/user_data')).toBe(false);
  });

  describe.skipIf(!hasCommand('xorriso'))('as an ISO image', () => {
    let dir = '';
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('is labelled config-2 and holds the files', async () => {
      dir = mkdtempSync(join(tmpdir(), 'strata-cd-test-'));
      const iso = join(dir, 'disk.config');
      await buildConfigDriveIso(spec, iso);
      const { stdout } = await runCommand('xorriso', ['-indev', iso, '-pvd_info'], { timeoutMs: 10_000 });
      expect(stdout).toMatch(/Volume Id\s*:\s*config-2/);
      await runCommand('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', join(dir, 'out')]);
      expect(readFileSync(join(dir, 'out/openstack/latest/user_data'), 'utf8')).toContain('echo hello');
    });
  });
});
