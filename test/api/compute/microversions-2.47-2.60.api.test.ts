import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { createPersonas, expectFault, versionedComputeCaller } from './compute-api-fixtures.js';

/** Compute microversions from 2.47, each on both sides of its change. */
for (const dialect of testDialects()) {
  describe(`${dialect}: compute microversions from 2.47`, () => {
    let t: TestCloud;
    let p: Personas;
    let flavor: string;
    let image: string;
    let server: string;

    const call: ReturnType<typeof versionedComputeCaller> = (...a) => versionedComputeCaller(t)(...a);

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      flavor = await createFlavor(t, p.admin, {
        name: 'mv60.small',
        vcpus: 1,
        ram: 64,
        disk: 1,
        extraSpecs: { 'hw:cpu_policy': 'shared' },
      });
      image = await createImage(t, p.admin, 'mv60-image');
      server = await bootServer(t, p.member, { name: 'mv60', imageRef: image, flavorRef: flavor });
      await waitForServer(t, p.admin, server, 'ACTIVE');
    });
    afterAll(async () => t?.close());

    it('2.47: the flavor is embedded in show, list, update and rebuild; extra_specs by policy', async () => {
      const link = (await call('2.46', 'GET', `/servers/${server}`, p.member)).json().server.flavor;
      expect(Object.keys(link).sort()).toEqual(['id', 'links']);
      const embedded = {
        vcpus: 1,
        ram: 64,
        disk: 1,
        ephemeral: 0,
        swap: 0,
        original_name: 'mv60.small',
        extra_specs: { 'hw:cpu_policy': 'shared' },
      };
      expect((await call('2.47', 'GET', `/servers/${server}`, p.member)).json().server.flavor).toEqual(
        embedded,
      );
      const listed = (await call('2.47', 'GET', '/servers/detail', p.member)).json().servers[0];
      expect(listed.flavor).toEqual(embedded);
      const updated = await call('2.47', 'PUT', `/servers/${server}`, p.member, { server: { name: 'mv60' } });
      expect(updated.json().server.flavor).toEqual(embedded);
      const rebuilt = await call('2.47', 'POST', `/servers/${server}/action`, p.member, {
        rebuild: { imageRef: image },
      });
      expect(rebuilt.statusCode, rebuilt.body).toBe(202);
      expect(rebuilt.json().server.flavor).toEqual(embedded);
      await waitForServer(t, p.admin, server, 'ACTIVE');
    });

    it('2.48: diagnostics in the standard format', async () => {
      const old = (await call('2.47', 'GET', `/servers/${server}/diagnostics`, p.admin)).json();
      expect(old).toHaveProperty('power_state', 'running');
      const res = await call('2.48', 'GET', `/servers/${server}/diagnostics`, p.admin);
      expect(res.statusCode, res.body).toBe(200);
      const d = res.json();
      expect(Object.keys(d).sort()).toEqual([
        'config_drive',
        'cpu_details',
        'disk_details',
        'driver',
        'hypervisor',
        'hypervisor_os',
        'memory_details',
        'nic_details',
        'num_cpus',
        'num_disks',
        'num_nics',
        'state',
        'uptime',
      ]);
      expect(d).toMatchObject({
        state: 'running',
        driver: 'libvirt',
        config_drive: false,
        num_cpus: 1,
        num_disks: 1,
        num_nics: 0,
        memory_details: { maximum: 64, used: null },
        cpu_details: [],
      });
      expect(typeof d.uptime).toBe('number');
    });

    it('2.49: tag on volume and interface attach is a field from 2.49, refused as unsupported there', async () => {
      const volume = { volumeAttachment: { volumeId: randomUUID(), tag: 'data' } };
      const vols = `/servers/${server}/os-volume_attachments`;
      expectFault(await call('2.48', 'POST', vols, p.member, volume), 400, /'tag' was unexpected/);
      expectFault(
        await call('2.49', 'POST', vols, p.member, volume),
        400,
        'Tagged volume attachment is not supported for this server instance.',
      );
      const nic = { interfaceAttachment: { net_id: randomUUID(), tag: 'nic' } };
      const nics = `/servers/${server}/os-interface`;
      expectFault(await call('2.48', 'POST', nics, p.member, nic), 400, /'tag' was unexpected/);
      expectFault(
        await call('2.49', 'POST', nics, p.member, nic),
        400,
        'Tagged network interface attachment is not supported for this server instance.',
      );
      expectFault(await call('2.49', 'POST', `/servers/${randomUUID()}/os-interface`, p.member, nic), 404);
    });

    it('2.50: quota classes show server group quotas and drop the network ones; default feeds projects', async () => {
      const url = '/os-quota-class-sets/default';
      const old = (await call('2.49', 'GET', url, p.admin)).json().quota_class_set;
      expect(old).toHaveProperty('fixed_ips');
      expect(old).not.toHaveProperty('server_groups');
      expect(Object.keys(old)).toHaveLength(13);
      const shown = (await call('2.50', 'GET', url, p.admin)).json().quota_class_set;
      expect(shown).toEqual({
        id: 'default',
        cores: 20,
        injected_file_content_bytes: 10240,
        injected_file_path_bytes: 255,
        injected_files: 5,
        instances: 10,
        key_pairs: 100,
        metadata_items: 128,
        ram: 51200,
        server_group_members: 10,
        server_groups: 10,
      });
      expectFault(
        await call('2.50', 'PUT', url, p.admin, { quota_class_set: { floating_ips: 3 } }),
        400,
        "Invalid input for field 'quota_class_set': Additional properties are not allowed ('floating_ips' was unexpected)",
      );
      expect(
        (await call('2.49', 'PUT', url, p.admin, { quota_class_set: { floating_ips: 3 } })).statusCode,
      ).toBe(200);
      expectFault(await call('2.50', 'PUT', url, p.member, { quota_class_set: { cores: 3 } }), 403);
      expectFault(await call('2.50', 'GET', url, p.member), 403);
      const put = await call('2.50', 'PUT', url, p.admin, {
        quota_class_set: { instances: 7, server_groups: '4' },
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json().quota_class_set).toEqual({ ...shown, id: undefined, instances: 7, server_groups: 4 });
      expect(put.json().quota_class_set).not.toHaveProperty('id');
      const projectDefaults = (
        await call('2.50', 'GET', `/os-quota-sets/${p.otherProjectId}`, p.admin)
      ).json();
      expect(projectDefaults.quota_set).toMatchObject({ instances: 7, server_groups: 4 });
      await call('2.50', 'PUT', url, p.admin, { quota_class_set: { instances: 10, server_groups: 10 } });
    });
  });
}
