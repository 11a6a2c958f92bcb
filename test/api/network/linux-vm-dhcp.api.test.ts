import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxDataplane } from '../../../src/agent/dataplane/linux/linux-dataplane.js';
import { createQemuDriver } from '../../../src/agent/drivers/qemu/qemu-driver.js';
import type { QemuDriver } from '../../../src/agent/drivers/qemu/qemu-driver.js';
import { runCommand } from '../../../src/agent/host/command.js';
import { removeDhcp } from '../../../src/agent/host/dhcp/dhcp.js';
import { dhcpNetnsName } from '../../../src/agent/host/dhcp/dhcp-spec.js';
import { deleteNetns, ensureNetns, ipIn } from '../../../src/agent/host/netns.js';
import { findHostKernel } from '../../../src/agent/test-images/kernel-modules.js';
import { buildVmTestImage } from '../../../src/agent/test-images/vm-image.js';
import { createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import { kernelDataplaneSkipReason } from '../../support/kernel-dataplane.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import { networkClient } from './network-fixtures.js';
import { dnsmasqUnder, killDnsmasqUnder } from '../../support/dnsmasq-processes.js';

// A QEMU VM (TCG) on a tenant network through the linux dataplane: its tap is plugged into
// the network's bridge, the guest's udhcpc gets the port's address from dnsmasq in the
// network's `qdhcp-…` namespace and prints it on the serial console, which the compute API
// shows; the DHCP namespace then pings the guest. The ports go ACTIVE once really wired.
const vmTools = ['qemu-img', 'qemu-system-x86_64', 'mkfs.vfat', 'mcopy', 'syslinux', 'dnsmasq'];
const kernel = await findHostKernel();
const skipReason =
  kernelDataplaneSkipReason(vmTools) ??
  (kernel === undefined ? 'needs a host kernel with modules' : undefined) ??
  (existsSync('/dev/net/tun') ? undefined : 'needs /dev/net/tun');

type Json = Record<string, unknown>;
const tag = randomBytes(3).toString('hex');
const hostNs = `sdv-e2e-${tag}`;
const hostname = `vm-host-${tag}`;

async function within<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}

describe.skipIf(skipReason !== undefined)(
  `linux dataplane with a QEMU VM${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let t: TestCloud;
    let admin = '';
    let base = '';
    let driver: QemuDriver | undefined;
    let net = '';
    let server = '';
    let ip = '';
    const neutron = () => networkClient(t);
    const portsOf = async (query: string) =>
      (await neutron().call('GET', `/ports?${query}`, admin)).json().ports as Json[];
    const consoleLog = async () => {
      const res = await t.request({
        method: 'POST',
        url: `/compute/v2.1/servers/${server}/action`,
        token: admin,
        payload: { 'os-getConsoleOutput': {} },
      });
      return res.statusCode === 200 ? String(res.json().output) : '';
    };

    beforeAll(async () => {
      base = mkdtempSync(join(tmpdir(), 'strata-vm-e2e-'));
      await ensureNetns(hostNs);
      await ipIn(hostNs, ['link', 'set', 'lo', 'up']);
      t = await startTestCloud('sqlite', { computeDriver: 'none' });
      admin = await t.adminToken();
      driver = createQemuDriver(
        { stateDir: join(base, 'state'), cacheDir: join(base, 'cache'), hostNetns: hostNs },
        { accelerator: 'tcg', gracefulTimeoutMs: 2_000 },
      );
      const dataplane = new LinuxDataplane({
        netns: hostNs,
        tunnelIp: '127.0.0.1',
        dataDir: join(base, 'agent'),
        metadataPort: 20000 + (parseInt(tag, 16) % 20000),
      });
      await t.cloud.compute.agents.add(hostname, driver, { dataplane });
      const built = await buildVmTestImage({ cacheDir: join(base, 'images') });
      const image = await createImage(t, admin, 'strata-test-vm', await readFile(built.path));
      const flavor = await createFlavor(t, admin, { name: `vm-${tag}`, vcpus: 1, ram: 256, disk: 1 });
      net = (await neutron().create(admin, 'network', { name: `vm-net-${tag}` }))['id'] as string;
      await neutron().create(admin, 'subnet', { network_id: net, cidr: '10.79.0.0/24', ip_version: 4 });
      // The DHCP namespace pings the guest: ICMP in, on top of the default group.
      const sg = (
        await neutron().call('POST', '/security-groups', admin, { security_group: { name: `icmp-${tag}` } })
      ).json().security_group as Json;
      await neutron().call('POST', '/security-group-rules', admin, {
        security_group_rule: { security_group_id: sg['id'], direction: 'ingress', protocol: 'icmp' },
      });
      const res = await t.request({
        method: 'POST',
        url: '/compute/v2.1/servers',
        token: admin,
        payload: {
          server: {
            name: `vm-${tag}`,
            imageRef: image,
            flavorRef: flavor,
            networks: [{ uuid: net }],
            security_groups: [{ name: 'default' }, { name: `icmp-${tag}` }],
          },
        },
      });
      expect(res.statusCode, res.body).toBe(202);
      server = res.json().server.id as string;
      await waitForServer(t, admin, server, 'ACTIVE', 120_000);
      ip = String(((await portsOf(`device_id=${server}`))[0]!['fixed_ips'] as Json[])[0]!['ip_address']);
    }, 300_000);

    afterAll(async () => {
      await t?.close();
      if (driver !== undefined)
        for (const w of await driver.list().catch(() => []))
          await driver.destroy(w.workloadId, new AbortController().signal).catch(() => undefined);
      if (net)
        await removeDhcp(net, { dataDir: join(base, 'agent'), hostNetns: hostNs }).catch(() => undefined);
      killDnsmasqUnder(base);
      await deleteNetns(hostNs).catch(() => undefined);
      if (base) rmSync(base, { recursive: true, force: true });
    }, 60_000);

    it("shows the port's address, taken by DHCP, in the console log", async () => {
      let last = '';
      const line = await within(async () => {
        last = await consoleLog();
        return /STRATA-TEST-VM: dhcp(-none)? eth0[^\n]*/.exec(last)?.[0];
      }, 150_000);
      expect(line, last.slice(-2000)).toBeDefined();
      expect(line).toContain(`ip=${ip}/24`);
    }, 160_000);

    it('answers a ping from the network’s DHCP namespace', async () => {
      const ping = () =>
        runCommand(
          'ip',
          ['netns', 'exec', dhcpNetnsName(net), '/bin/busybox', 'ping', '-c', '1', '-W', '1', ip],
          {
            timeoutMs: 5000,
          },
        ).then(() => true as const);
      expect(await within(ping, 30_000)).toBe(true);
    }, 40_000);

    it('reports the instance port and the DHCP port ACTIVE', async () => {
      const vmPort = (await portsOf(`device_id=${server}`))[0]!;
      expect(vmPort['status']).toBe('ACTIVE');
      expect(vmPort['binding:host_id']).toBe(hostname);
      const dhcp = await within(async () => {
        const p = (await portsOf(`network_id=${net}&device_owner=network:dhcp`))[0];
        return p?.['status'] === 'ACTIVE' ? p : undefined;
      }, 15_000);
      expect(dhcp?.['status']).toBe('ACTIVE');
    }, 30_000);

    it('leaves no tap, bridge, DHCP namespace or dnsmasq behind once the server and network are gone', async () => {
      const res = await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${server}`, token: admin });
      expect(res.statusCode).toBe(204);
      await waitForServer(t, admin, server, 'DELETED', 60_000);
      expect((await neutron().call('DELETE', `/networks/${net}`, admin)).statusCode).toBe(204);
      const clean = async () => {
        const links = (JSON.parse((await ipIn(hostNs, ['-j', 'link', 'show'])).stdout) as Json[])
          .map((l) => String(l['ifname']))
          .filter((n) => n !== 'lo');
        const { stdout } = await runCommand('ip', ['-j', 'netns', 'list'], { timeoutMs: 3000 });
        const names = (JSON.parse(stdout || '[]') as Json[]).map((n) => String(n['name']));
        const done =
          links.length === 0 && !names.includes(dhcpNetnsName(net)) && dnsmasqUnder(base).length === 0;
        return done ? true : undefined;
      };
      expect(await within(clean, 20_000)).toBe(true);
    }, 90_000);
  },
);
