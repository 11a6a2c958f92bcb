import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas, Refusal } from './compute-api-fixtures.js';
import {
  computeCaller,
  createPersonas,
  expectRefusal,
  insertHost,
  serviceNumberOf,
  expectFault,
  insertServer,
} from './compute-api-fixtures.js';

interface Zone {
  zoneName: string;
  zoneState: { available: boolean };
  hosts: Record<string, Record<string, { available: boolean; active: boolean; updated_at: string }>> | null;
}

for (const dialect of testDialects()) {
  describe(`${dialect}: compute hosts API (zones, hypervisors, services)`, () => {
    let t: TestCloud;
    let p: Personas;
    let call: ReturnType<typeof computeCaller>;
    let upId: number;
    const zones = async (url: string, token: string) =>
      ((await call('GET', url, token)).json().availabilityZoneInfo as Zone[]).filter((z) =>
        z.zoneName.startsWith('az-'),
      );
    const mine = <T extends { hypervisor_hostname?: string; host?: string }>(list: T[]) =>
      list.filter((h) => (h.hypervisor_hostname ?? h.host ?? '').startsWith('test-'));

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      call = computeCaller(t);
      const stale = new Date(t.clock.now().getTime() - 300_000);
      upId = await serviceNumberOf(
        t,
        await insertHost(t, {
          hostname: 'test-up',
          zone: 'az-east',
          facts: { hypervisor_type: 'QEMU', host_ip: '10.0.0.5', cpu_info: { arch: 'x86_64' } },
        }),
      );
      await insertHost(t, { hostname: 'test-down', zone: 'az-east', heartbeat: stale });
      await insertHost(t, { hostname: 'test-stale', zone: 'az-west', heartbeat: stale });
      await insertHost(t, { hostname: 'test-off', zone: 'az-north', status: 'disabled' });
      await insertServer(t, { projectId: p.projectId, vcpus: 2, ram: 1024, disk: 10, host: 'test-up' });
      await insertServer(t, { projectId: p.projectId, vcpus: 1, ram: 512, disk: 5, host: 'test-up' });
      await insertServer(t, { projectId: p.projectId, vcpus: 8, ram: 8192, host: 'test-up', deleted: true });
    });
    afterAll(async () => t?.close());

    it('lists zones: available when an enabled host is up, others after', async () => {
      expect(await zones('/os-availability-zone', p.member)).toEqual([
        { zoneName: 'az-east', zoneState: { available: true }, hosts: null },
        { zoneName: 'az-north', zoneState: { available: false }, hosts: null },
        { zoneName: 'az-west', zoneState: { available: false }, hosts: null },
      ]);
      const detail = await zones('/os-availability-zone/detail', p.admin);
      expect(detail[0]!.hosts).toEqual({
        'test-up': {
          'nova-compute': {
            available: true,
            active: true,
            updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/),
          },
        },
        'test-down': { 'nova-compute': { available: false, active: true, updated_at: expect.any(String) } },
      });
      expect(detail[1]!.hosts).toBeNull();
    });

    it('shows hypervisors with usage from live servers', async () => {
      const brief = mine((await call('GET', '/os-hypervisors', p.admin)).json().hypervisors);
      expect(brief).toEqual([
        { id: expect.any(Number), hypervisor_hostname: 'test-down', state: 'down', status: 'enabled' },
        { id: expect.any(Number), hypervisor_hostname: 'test-off', state: 'up', status: 'disabled' },
        { id: expect.any(Number), hypervisor_hostname: 'test-stale', state: 'down', status: 'enabled' },
        { id: upId, hypervisor_hostname: 'test-up', state: 'up', status: 'enabled' },
      ]);
      const shown = (await call('GET', `/os-hypervisors/${upId}`, p.admin)).json().hypervisor;
      expect(shown).toEqual({
        id: upId,
        hypervisor_hostname: 'test-up',
        state: 'up',
        status: 'enabled',
        hypervisor_type: 'QEMU',
        hypervisor_version: 0,
        host_ip: '10.0.0.5',
        service: { id: upId, host: 'test-up', disabled_reason: null },
        vcpus: 16,
        memory_mb: 32768,
        local_gb: 500,
        vcpus_used: 3,
        memory_mb_used: 1536,
        local_gb_used: 15,
        free_ram_mb: 31232,
        free_disk_gb: 485,
        current_workload: 0,
        running_vms: 2,
        disk_available_least: 485,
        cpu_info: '{"arch":"x86_64"}',
      });
      const detail = mine((await call('GET', '/os-hypervisors/detail', p.admin)).json().hypervisors);
      expect(detail[3]).toEqual(shown);
      expect(detail[0]).toMatchObject({ hypervisor_type: 'fake', running_vms: 0, cpu_info: '' });
    });

    it('2.28 shows cpu_info as an object; 2.33 pages the list by limit and marker', async () => {
      const at = (version: string, url: string) =>
        t.request({
          method: 'GET',
          url: `/compute/v2.1${url}`,
          token: p.admin,
          headers: { 'openstack-api-version': `compute ${version}` },
        });
      expect((await at('2.27', `/os-hypervisors/${upId}`)).json().hypervisor.cpu_info).toBe(
        '{"arch":"x86_64"}',
      );
      expect((await at('2.28', `/os-hypervisors/${upId}`)).json().hypervisor.cpu_info).toEqual({
        arch: 'x86_64',
      });
      const all = (await at('2.33', '/os-hypervisors')).json().hypervisors.map((h: { id: number }) => h.id);
      expect(all.length).toBeGreaterThan(3);
      const walked: number[] = [];
      for (let url: string | undefined = '/os-hypervisors/detail?limit=2'; url !== undefined;) {
        const body: { hypervisors: Array<{ id: number }>; hypervisors_links?: Array<{ href: string }> } = (
          await at('2.33', url)
        ).json();
        expect(body.hypervisors.length).toBeLessThanOrEqual(2);
        walked.push(...body.hypervisors.map((h) => h.id));
        url = body.hypervisors_links?.[0]?.href.replace(/^.*\/compute\/v2\.1/, '');
      }
      expect(walked).toEqual(all);
      // Before 2.33 limit is not a parameter: everything comes back.
      expect((await at('2.32', '/os-hypervisors?limit=1')).json().hypervisors).toHaveLength(all.length);
      const bad = await at('2.33', '/os-hypervisors?marker=nope');
      expectFault(bad, 400, 'marker [nope] not found');
    });

    it('searches hypervisors by name and lists their servers', async () => {
      const found = (await call('GET', '/os-hypervisors/TEST-S/search', p.admin)).json().hypervisors;
      expect(found.map((h: { hypervisor_hostname: string }) => h.hypervisor_hostname)).toEqual([
        'test-stale',
      ]);
      const withServers = (await call('GET', '/os-hypervisors/test-up/servers', p.admin)).json().hypervisors;
      expect(withServers[0].servers).toHaveLength(2);
      expect(Object.keys(withServers[0].servers[0]).sort()).toEqual(['name', 'uuid']);
      const none = await call('GET', '/os-hypervisors/nothing-here/search', p.admin);
      expect(none.json().itemNotFound.message).toBe("No hypervisor matching 'nothing-here' could be found.");
    });

    it('sums statistics over enabled hosts', async () => {
      const stats = (await call('GET', '/os-hypervisors/statistics', p.admin)).json().hypervisor_statistics;
      const all = (await call('GET', '/os-hypervisors/detail', p.admin)).json().hypervisors as Array<
        Record<string, unknown>
      >;
      const enabled = all.filter((h) => h['status'] === 'enabled');
      const sum = (k: string) => enabled.reduce((n, h) => n + (h[k] as number), 0);
      const keys = [
        'vcpus',
        'memory_mb',
        'local_gb',
        'vcpus_used',
        'memory_mb_used',
        'local_gb_used',
        'free_ram_mb',
        'free_disk_gb',
        'current_workload',
        'running_vms',
        'disk_available_least',
      ];
      expect(stats).toEqual({ count: enabled.length, ...Object.fromEntries(keys.map((k) => [k, sum(k)])) });
      expect(enabled.map((h) => h['hypervisor_hostname'])).not.toContain('test-off');
      expect(stats.running_vms).toBeGreaterThanOrEqual(2);
    });

    it('lists nova-compute services and disables one with a reason', async () => {
      const services = mine((await call('GET', '/os-services', p.admin)).json().services);
      expect(services[3]).toEqual({
        id: upId,
        binary: 'nova-compute',
        host: 'test-up',
        zone: 'az-east',
        status: 'enabled',
        state: 'up',
        updated_at: expect.stringMatching(/\.\d{6}$/),
        disabled_reason: null,
      });
      expect(mine((await call('GET', '/os-services?host=test-down', p.admin)).json().services)).toHaveLength(
        1,
      );
      expect((await call('GET', '/os-services?binary=nova-scheduler', p.admin)).json().services).toEqual([]);

      const off = await call('PUT', '/os-services/disable-log-reason', p.admin, {
        host: 'test-up',
        binary: 'nova-compute',
        disabled_reason: 'maintenance',
      });
      expect(off.json()).toEqual({
        service: {
          host: 'test-up',
          binary: 'nova-compute',
          status: 'disabled',
          disabled_reason: 'maintenance',
        },
      });
      const after = mine((await call('GET', '/os-services?host=test-up', p.admin)).json().services)[0];
      expect(after).toMatchObject({ status: 'disabled', disabled_reason: 'maintenance' });
      expect((await zones('/os-availability-zone', p.member))[0]).toEqual({
        zoneName: 'az-east',
        zoneState: { available: false },
        hosts: null,
      });
      const on = await call('PUT', '/os-services/enable', p.admin, {
        host: 'test-up',
        binary: 'nova-compute',
      });
      expect(on.json()).toEqual({ service: { host: 'test-up', binary: 'nova-compute', status: 'enabled' } });
      expect(
        mine((await call('GET', '/os-services?host=test-up', p.admin)).json().services)[0],
      ).toMatchObject({ status: 'enabled', disabled_reason: null });
    });

    it('marks a host down once its heartbeat is older than serviceDownTimeSec', async () => {
      t.clock.advance(61_000);
      const up = (await call('GET', `/os-hypervisors/${upId}`, p.admin)).json().hypervisor;
      expect(up.state).toBe('down');
      t.clock.advance(-61_000);
    });

    const svc = (extra: object) => ({ host: 'test-off', binary: 'nova-compute', ...extra });
    const zeroId = 999999;
    const refusals: ReadonlyArray<Refusal> = [
      [
        'a member listing hypervisors',
        'member',
        'GET /os-hypervisors',
        undefined,
        403,
        /os-hypervisors:list\.$/,
      ],
      [
        'a member reading statistics',
        'member',
        'GET /os-hypervisors/statistics',
        undefined,
        403,
        /statistics/,
      ],
      [
        'a member reading zone details',
        'member',
        'GET /os-availability-zone/detail',
        undefined,
        403,
        /zone:detail/,
      ],
      ['a member listing services', 'member', 'GET /os-services', undefined, 403, /os-services:list/],
      ['a member disabling a host', 'member', 'PUT /os-services/disable', svc({}), 403, /os-services:update/],
      [
        'an unknown hypervisor',
        'admin',
        `GET /os-hypervisors/${zeroId}`,
        undefined,
        404,
        `Hypervisor with ID '${zeroId}' could not be found.`,
      ],
      [
        'a hypervisor id that is not an integer (before 2.53)',
        'admin',
        'GET /os-hypervisors/00000000-0000-0000-0000-000000000000',
        undefined,
        404,
        "Hypervisor with ID '00000000-0000-0000-0000-000000000000' could not be found.",
      ],
      [
        'a service id that is not an integer (before 2.53)',
        'admin',
        'DELETE /os-services/00000000-0000-0000-0000-000000000000',
        undefined,
        400,
        'Invalid input received: id must be an integer',
      ],
      [
        'an unknown service',
        'admin',
        `DELETE /os-services/${zeroId}`,
        undefined,
        404,
        `Service ${zeroId} could not be found.`,
      ],
      ['an unknown action', 'admin', 'PUT /os-services/reboot', svc({}), 404, 'Unknown action'],
      [
        'another binary',
        'admin',
        'PUT /os-services/enable',
        svc({ binary: 'nova-scheduler' }),
        400,
        'Updating a nova-scheduler service is not supported. Only nova-compute services can be updated.',
      ],
      [
        'an unknown host',
        'admin',
        'PUT /os-services/enable',
        svc({ host: 'nowhere' }),
        404,
        'Could not find binary nova-compute on host nowhere.',
      ],
      [
        'a missing reason',
        'admin',
        'PUT /os-services/disable-log-reason',
        svc({}),
        400,
        'Missing disabled reason field',
      ],
      [
        'a missing host',
        'admin',
        'PUT /os-services/enable',
        { binary: 'nova-compute' },
        400,
        /'host' is a required property/,
      ],
    ];

    it.each(refusals)('refuses %s and changes nothing', async (...row) => {
      await expectRefusal(call, p, row);
      const off = mine((await call('GET', '/os-services?host=test-off', p.admin)).json().services)[0];
      expect(off).toMatchObject({ status: 'disabled', disabled_reason: null });
    });
  });
}
