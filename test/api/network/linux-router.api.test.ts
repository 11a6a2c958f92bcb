import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuncDriver } from '../../../src/agent/drivers/runc/runc-driver.js';
import { netnsNameOf } from '../../../src/agent/drivers/runc/runc-nics.js';
import { runCommand } from '../../../src/agent/host/command.js';
import { deleteNetns, netnsExists } from '../../../src/agent/host/netns.js';
import { routerNetnsOf } from '../../../src/agent/host/router/router-spec.js';
import { buildContainerTestImage } from '../../../src/agent/test-images/container-image.js';
import { createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { networkClient } from './network-fixtures.js';
import { kernelDataplaneSkipReason, startLinuxRuncHost } from '../../support/kernel-dataplane.js';

// Routers and floating IPs on the kernel, through the API: the control plane places the
// router on the one linux host (a namespace of the test's own), whose agent sets up the
// router's namespace and the external network's far side (a namespace named for this run).
const skipReason = kernelDataplaneSkipReason(['conntrack', 'sysctl']);

const tag = randomBytes(3).toString('hex');
const hostNs = `srt-e2e-${tag}`;
const extNs = `srt-ext-${tag}`;
const hostname = `rt-host-${tag}`;

const ok = (p: Promise<unknown>) =>
  p.then(
    () => true,
    () => false,
  );
const ping = (from: string, to: string) =>
  ok(
    runCommand('ip', ['netns', 'exec', from, '/bin/busybox', 'ping', '-c', '1', '-W', '1', to], {
      timeoutMs: 3000,
    }),
  );

/** Polls `check` until it returns `want`; the time it took, or undefined after `timeoutMs`. */
async function within(check: () => Promise<boolean>, want: boolean, timeoutMs: number) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await check()) === want) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

type Json = Record<string, unknown>;

describe.skipIf(skipReason !== undefined)(
  `linux dataplane routers end to end${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let t: TestCloud;
    let admin = '';
    let base = '';
    let driver: RuncDriver | undefined;
    let router = '';
    let external = '';
    let fip: Json = {};
    const servers: Record<'a' | 'b', { id: string; ip: string; ns: string; port: string; subnet: string }> = {
      a: { id: '', ip: '', ns: '', port: '', subnet: '' },
      b: { id: '', ip: '', ns: '', port: '', subnet: '' },
    };
    const neutron = () => networkClient(t);

    const boot = async (name: string, network: string, image: string, flavor: string) => {
      const res = await t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token: admin,
        payload: {
          server: {
            name,
            imageRef: image,
            flavorRef: flavor,
            networks: [{ uuid: network }],
            security_groups: [{ name: 'rt-open' }],
          },
        },
      });
      expect(res.statusCode, res.body).toBe(202);
      return res.json().server.id as string;
    };

    const tenantNetwork = async (name: string, cidr: string) => {
      const net = (await neutron().create(admin, 'network', { name }))['id'] as string;
      const subnet = await neutron().create(admin, 'subnet', { network_id: net, cidr, ip_version: 4 });
      return { net, subnet: subnet['id'] as string };
    };

    beforeAll(async () => {
      base = mkdtempSync(join(tmpdir(), 'strata-rt-e2e-'));
      ({ t, admin, driver } = await startLinuxRuncHost({
        base,
        hostNs,
        hostname,
        dataplane: { externalNetns: extNs },
      }));
      const built = await buildContainerTestImage(join(base, 'images'));
      const image = await createImage(t, admin, 'busybox', await readFile(built.path), {
        disk_format: 'raw',
        container_format: 'docker',
      });
      const flavor = await createFlavor(t, admin, { name: 'rt', vcpus: 1, ram: 64, disk: 1 });
      const group = (
        await neutron().call('POST', '/security-groups', admin, { security_group: { name: 'rt-open' } })
      ).json().security_group as Json;
      const icmp = await neutron().call('POST', '/security-group-rules', admin, {
        security_group_rule: { security_group_id: group['id'], direction: 'ingress', protocol: 'icmp' },
      });
      expect(icmp.statusCode, icmp.body).toBe(201);
      const a = await tenantNetwork('rt-a', '10.81.0.0/24');
      const b = await tenantNetwork('rt-b', '10.82.0.0/24');
      servers.a.id = await boot('a', a.net, image, flavor);
      servers.b.id = await boot('b', b.net, image, flavor);
      servers.a.subnet = a.subnet;
      servers.b.subnet = b.subnet;
      for (const s of Object.values(servers)) {
        await waitForServer(t, admin, s.id, 'ACTIVE', 60_000);
        const port = (await neutron().call('GET', `/ports?device_id=${s.id}`, admin)).json().ports[0];
        s.ip = port.fixed_ips[0].ip_address as string;
        s.port = port.id as string;
        s.ns = netnsNameOf(s.id);
      }
      external = (await neutron().create(admin, 'network', { name: 'rt-public', 'router:external': true }))[
        'id'
      ] as string;
      await neutron().create(admin, 'subnet', {
        network_id: external,
        cidr: '172.24.9.0/24',
        gateway_ip: '172.24.9.1',
        ip_version: 4,
      });
    }, 180_000);

    afterAll(async () => {
      await t?.close();
      if (driver !== undefined)
        for (const w of await driver.list()) await driver.destroy(w.workloadId, new AbortController().signal);
      if (router) await deleteNetns(routerNetnsOf(router)).catch(() => undefined);
      await deleteNetns(extNs).catch(() => undefined);
      await deleteNetns(hostNs).catch(() => undefined);
      if (base) rmSync(base, { recursive: true, force: true });
    }, 60_000);

    it('keeps two tenant networks apart until a router joins both subnets', async () => {
      expect(await ping(servers.a.ns, servers.b.ip)).toBe(false);
      router = (await neutron().create(admin, 'router', { name: 'rt' }))['id'] as string;
      for (const s of Object.values(servers)) {
        const res = await neutron().call('PUT', `/routers/${router}/add_router_interface`, admin, {
          subnet_id: s.subnet,
        });
        expect(res.statusCode, res.body).toBe(200);
      }
      expect(await within(() => ping(servers.a.ns, servers.b.ip), true, 20_000)).toBeDefined();
      expect(await within(() => ping(servers.b.ns, servers.a.ip), true, 5_000)).toBeDefined();
      expect(await netnsExists(routerNetnsOf(router))).toBe(true);
      const ports = (await neutron().call('GET', `/ports?device_id=${router}`, admin)).json().ports as Json[];
      expect(ports.map((p) => p['binding:host_id'])).toEqual([hostname, hostname]);
    }, 60_000);

    it('makes a floating IP reachable from the external namespace, until it is disassociated', async () => {
      const gw = await neutron().call('PUT', `/routers/${router}`, admin, {
        router: { external_gateway_info: { network_id: external } },
      });
      expect(gw.statusCode, gw.body).toBe(200);
      fip = await neutron().create(admin, 'floatingip', {
        floating_network_id: external,
        port_id: servers.a.port,
      });
      const address = fip['floating_ip_address'] as string;
      expect(await within(() => ping(extNs, address), true, 20_000)).toBeDefined();
      const res = await neutron().call('PUT', `/floatingips/${fip['id'] as string}`, admin, {
        floatingip: { port_id: null },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(await within(() => ping(extNs, address), false, 15_000)).toBeDefined();
    }, 60_000);

    it('lets an instance without a floating IP reach the external namespace through SNAT', async () => {
      expect(await within(() => ping(servers.b.ns, '172.24.9.1'), true, 15_000)).toBeDefined();
    }, 30_000);

    it("reports the router's interface and gateway ports ACTIVE once wired in its namespace", async () => {
      const statuses = async () =>
        ((await neutron().call('GET', `/ports?device_id=${router}`, admin)).json().ports as Json[])
          .map((p) => `${String(p['device_owner'])}=${String(p['status'])}`)
          .sort();
      const want = [
        'network:router_gateway=ACTIVE',
        'network:router_interface=ACTIVE',
        'network:router_interface=ACTIVE',
      ];
      expect(await within(async () => (await statuses()).join() === want.join(), true, 15_000)).toBeDefined();
    }, 30_000);

    it('removes the router and the external far side once the router is gone', async () => {
      await neutron().call('DELETE', `/floatingips/${fip['id'] as string}`, admin);
      await neutron().call('PUT', `/routers/${router}`, admin, { router: { external_gateway_info: {} } });
      for (const s of Object.values(servers))
        await neutron().call('PUT', `/routers/${router}/remove_router_interface`, admin, {
          subnet_id: s.subnet,
        });
      expect((await neutron().call('DELETE', `/routers/${router}`, admin)).statusCode).toBe(204);
      const gone = async () => !(await netnsExists(routerNetnsOf(router))) && !(await netnsExists(extNs));
      expect(await within(gone, true, 15_000)).toBeDefined();
      expect(await ping(servers.a.ns, servers.b.ip)).toBe(false);
    }, 60_000);
  },
);
