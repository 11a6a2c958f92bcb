import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuncDriver } from '../../../src/agent/drivers/runc/runc-driver.js';
import { netnsNameOf } from '../../../src/agent/drivers/runc/runc-nics.js';
import { runCommand } from '../../../src/agent/host/command.js';
import { linkLocalOf } from '../../../src/agent/host/nft-spoofing.js';
import { deleteNetns } from '../../../src/agent/host/netns.js';
import { buildContainerTestImage } from '../../../src/agent/test-images/container-image.js';
import { createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { networkClient } from './network-fixtures.js';
import { kernelDataplaneSkipReason, startLinuxRuncHost } from '../../support/kernel-dataplane.js';

// IPv6 on the linux dataplane, on the kernel: two runc containers on a SLAAC subnet, in the
// project's default group (which lets its members in over IPv6 too), behind the port filter.
const skipReason = kernelDataplaneSkipReason();

const tag = randomBytes(3).toString('hex');
const hostNs = `sd6-e2e-${tag}`;
/** An address of the subnet that belongs to no port: a spoofed source. */
const spoofed = 'fd00:77:6::99';

const ok = (p: Promise<unknown>) =>
  p.then(
    () => true,
    () => false,
  );
const inNs = (ns: string, args: string[], timeoutMs = 3000) =>
  runCommand('ip', ['netns', 'exec', ns, ...args], { timeoutMs });
const ping6 = (from: string, to: string, extra: string[] = []) =>
  ok(inNs(from, ['/bin/busybox', 'ping', '-6', '-c', '1', '-W', '1', ...extra, to]));

async function within(check: () => Promise<boolean>, want: boolean, timeoutMs: number) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await check()) === want) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

describe.skipIf(skipReason !== undefined)(
  `linux dataplane IPv6${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let t: TestCloud;
    let admin = '';
    let base = '';
    let driver: RuncDriver;
    let net = '';
    let image = '';
    let flavor = '';
    const servers: Record<'a' | 'b', { id: string; ip: string; mac: string; ns: string }> = {
      a: { id: '', ip: '', mac: '', ns: '' },
      b: { id: '', ip: '', mac: '', ns: '' },
    };
    const neutron = () => networkClient(t);

    const boot = async (name: string) => {
      const res = await t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token: admin,
        payload: { server: { name, imageRef: image, flavorRef: flavor, networks: [{ uuid: net }] } },
      });
      expect(res.statusCode, res.body).toBe(202);
      return res.json().server.id as string;
    };

    beforeAll(async () => {
      base = mkdtempSync(join(tmpdir(), 'strata-v6-e2e-'));
      ({ t, admin, driver } = await startLinuxRuncHost({ base, hostNs, hostname: `v6-host-${tag}` }));
      const built = await buildContainerTestImage(join(base, 'images'));
      image = await createImage(t, admin, 'busybox', await readFile(built.path), {
        disk_format: 'raw',
        container_format: 'docker',
      });
      flavor = await createFlavor(t, admin, { name: 'v6', vcpus: 1, ram: 64, disk: 1 });
      net = (await neutron().create(admin, 'network', { name: 'v6-net' }))['id'] as string;
      await neutron().create(admin, 'subnet', {
        network_id: net,
        cidr: 'fd00:77:6::/64',
        ip_version: 6,
        ipv6_ra_mode: 'slaac',
        ipv6_address_mode: 'slaac',
      });
      servers.a.id = await boot(`v6-a-${tag}`);
      servers.b.id = await boot(`v6-b-${tag}`);
      for (const s of Object.values(servers)) {
        await waitForServer(t, admin, s.id, 'ACTIVE', 60_000);
        const port = (await neutron().call('GET', `/ports?device_id=${s.id}`, admin)).json().ports[0];
        s.ip = port.fixed_ips[0].ip_address as string;
        s.mac = port.mac_address as string;
        s.ns = netnsNameOf(s.id);
      }
    }, 120_000);

    afterAll(async () => {
      await t?.close();
      if (driver !== undefined)
        for (const w of await driver.list()) await driver.destroy(w.workloadId, new AbortController().signal);
      await deleteNetns(hostNs).catch(() => undefined);
      if (base) rmSync(base, { recursive: true, force: true });
    }, 60_000);

    it('gives each port its EUI-64 SLAAC address, set in its container', async () => {
      for (const s of Object.values(servers)) {
        expect(s.ip.startsWith('fd00:77:6:0:')).toBe(true);
        const { stdout } = await inNs(s.ns, ['ip', '-j', '-6', 'addr', 'show', 'dev', 'eth0']);
        const addrs = (JSON.parse(stdout) as Array<{ addr_info: Array<{ local: string }> }>).flatMap((l) =>
          l.addr_info.map((a) => a.local),
        );
        expect(addrs).toContain(s.ip);
      }
    });

    it('lets the two containers ping6 each other through neighbour discovery and the port filter', async () => {
      expect(await within(() => ping6(servers.a.ns, servers.b.ip), true, 10_000)).toBeDefined();
      expect(await within(() => ping6(servers.b.ns, servers.a.ip), true, 5_000)).toBeDefined();
    }, 30_000);

    it('lets a port send from its link-local address (EUI-64 of its MAC)', async () => {
      // Group members are known by their fixed IPs; link-local peers need a rule of their own.
      const groups = (await neutron().call('GET', '/security-groups?name=default', admin)).json()
        .security_groups as Array<{ id: string; project_id: string }>;
      const project = (await neutron().call('GET', `/ports/?device_id=${servers.a.id}`, admin)).json()
        .ports[0].project_id as string;
      const rule = await neutron().call('POST', '/security-group-rules', admin, {
        security_group_rule: {
          security_group_id: groups.find((g) => g.project_id === project)!.id,
          direction: 'ingress',
          ethertype: 'IPv6',
          protocol: 'ipv6-icmp',
          remote_ip_prefix: 'fe80::/64',
        },
      });
      expect(rule.statusCode, rule.body).toBe(201);
      const to = `${linkLocalOf(servers.b.mac)}%eth0`;
      expect(await within(() => ping6(servers.a.ns, to), true, 5_000)).toBeDefined();
    }, 15_000);

    it('drops an IPv6 source that is not the port’s', async () => {
      await inNs(servers.a.ns, ['ip', 'addr', 'add', `${spoofed}/64`, 'dev', 'eth0', 'nodad']);
      try {
        expect(await ping6(servers.a.ns, servers.b.ip, ['-I', spoofed])).toBe(false);
        expect(await ping6(servers.a.ns, servers.b.ip, ['-I', servers.a.ip])).toBe(true);
      } finally {
        await inNs(servers.a.ns, ['ip', 'addr', 'del', `${spoofed}/64`, 'dev', 'eth0']);
      }
    }, 15_000);
  },
);
