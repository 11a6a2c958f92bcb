import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuncDriver } from '../../../src/agent/drivers/runc/runc-driver.js';
import { netnsNameOf } from '../../../src/agent/drivers/runc/runc-nics.js';
import { runCommand } from '../../../src/agent/host/command.js';
import { removeDhcp } from '../../../src/agent/host/dhcp/dhcp.js';
import { dhcpNetnsName } from '../../../src/agent/host/dhcp/dhcp-spec.js';
import { deleteNetns } from '../../../src/agent/host/netns.js';
import { buildContainerTestImage } from '../../../src/agent/test-images/container-image.js';
import { createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { networkClient } from './network-fixtures.js';
import { kernelDataplaneSkipReason, startLinuxRuncHost } from '../../support/kernel-dataplane.js';
import { dnsmasqUnder, killDnsmasqUnder } from '../../support/dnsmasq-processes.js';

// DHCP and metadata through the linux dataplane, on the kernel: the control plane makes the
// network's DHCP port for the agent's host, the agent runs dnsmasq in `qdhcp-…` and its
// metadata listener, and two runc containers ask both from inside their namespaces.
const skipReason = kernelDataplaneSkipReason(['dnsmasq', 'curl']);

type Json = Record<string, unknown>;
const tag = randomBytes(3).toString('hex');
const hostNs = `sdh-e2e-${tag}`;
const metadataUrl = 'http://169.254.169.254/openstack/latest/meta_data.json';
/** The network's dns_domain: dnsmasq names each port `<dns_name>.<domain>`. */
const domain = `dns-${tag}.test`;

const inNs = (ns: string, args: string[], timeoutMs = 5000) =>
  runCommand('ip', ['netns', 'exec', ns, ...args], { timeoutMs });

async function within<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}

/** Runs udhcpc once in the namespace (the script only prints, it configures nothing). */
async function lease(ns: string, script: string): Promise<Record<string, string>> {
  const out = await inNs(
    ns,
    [
      ...['/bin/busybox', 'udhcpc', '-i', 'eth0', '-n', '-q', '-f', '-t', '4', '-T', '1'],
      ...['-O', 'staticroutes', '-s', script],
    ],
    20_000,
  );
  const line = out.stdout.split('\n').find((l) => l.startsWith('LEASE '));
  if (line === undefined) throw new Error(`no lease: ${out.stdout} ${out.stderr}`);
  return Object.fromEntries(
    line
      .slice('LEASE '.length)
      .split('|')
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

describe.skipIf(skipReason !== undefined)(
  `linux dataplane DHCP and metadata${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let t: TestCloud;
    let admin = '';
    let base = '';
    let driver: RuncDriver;
    let net = '';
    let image = '';
    let flavor = '';
    let script = '';
    const servers: Record<'a' | 'b', { id: string; ip: string; ns: string; name: string }> = {
      a: { id: '', ip: '', ns: '', name: `dhcp-a-${tag}` },
      b: { id: '', ip: '', ns: '', name: `dhcp-b-${tag}` },
    };
    const neutron = () => networkClient(t);
    const dhcpPorts = async () =>
      (await neutron().call('GET', `/ports?network_id=${net}&device_owner=network:dhcp`, admin)).json()
        .ports as Json[];

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
      base = mkdtempSync(join(tmpdir(), 'strata-dhcp-e2e-'));
      script = join(base, 'udhcpc.script');
      writeFileSync(
        script,
        '#!/bin/sh\n[ "$1" = bound ] && echo "LEASE ip=$ip|router=$router|staticroutes=$staticroutes|hostname=$hostname|domain=$domain"\nexit 0\n',
        { mode: 0o755 },
      );
      ({ t, admin, driver } = await startLinuxRuncHost({
        base,
        hostNs,
        hostname: `dhcp-host-${tag}`,
        dataplane: { dataDir: join(base, 'agent'), metadataPort: 20000 + (parseInt(tag, 16) % 20000) },
      }));
      const built = await buildContainerTestImage(join(base, 'images'));
      image = await createImage(t, admin, 'busybox', await readFile(built.path), {
        disk_format: 'raw',
        container_format: 'docker',
      });
      flavor = await createFlavor(t, admin, { name: 'dhcp', vcpus: 1, ram: 64, disk: 1 });
      net = (await neutron().create(admin, 'network', { name: 'dhcp-net', dns_domain: `${domain}.` }))[
        'id'
      ] as string;
      await neutron().create(admin, 'subnet', { network_id: net, cidr: '10.78.0.0/24', ip_version: 4 });
      for (const s of Object.values(servers)) s.id = await boot(s.name);
      for (const s of Object.values(servers)) {
        await waitForServer(t, admin, s.id, 'ACTIVE', 100_000);
        const port = (await neutron().call('GET', `/ports?device_id=${s.id}`, admin)).json().ports[0];
        s.ip = port.fixed_ips[0].ip_address as string;
        s.ns = netnsNameOf(s.id);
      }
    }, 200_000);

    afterAll(async () => {
      await t?.close();
      if (driver !== undefined)
        for (const w of await driver.list()) await driver.destroy(w.workloadId, new AbortController().signal);
      // Whatever a failed run left: dnsmasq, the DHCP namespace, the metadata link and route.
      if (net)
        await removeDhcp(net, { dataDir: join(base, 'agent'), hostNetns: hostNs }).catch(() => undefined);
      killDnsmasqUnder(base);
      await deleteNetns(hostNs).catch(() => undefined);
      if (base) rmSync(base, { recursive: true, force: true });
    }, 60_000);

    it('makes one network:dhcp port for the network, bound to the host, with an address on the subnet', async () => {
      const ports = await within(async () => {
        const p = await dhcpPorts();
        return p.length > 0 ? p : undefined;
      }, 10_000);
      expect(ports).toHaveLength(1);
      const port = ports![0]!;
      expect(port['binding:host_id']).toBe(`dhcp-host-${tag}`);
      expect(port['device_id']).toMatch(new RegExp(`^dhcp[0-9a-f-]{36}-${net}$`));
      expect((port['fixed_ips'] as Json[]).map((f) => String(f['ip_address']))).toEqual([
        expect.stringMatching(/^10\.78\.0\./),
      ]);
    }, 20_000);

    it('gives each container by DHCP the address the agent set, with its hostname', async () => {
      for (const s of Object.values(servers)) {
        const got = await within(() => lease(s.ns, script), 20_000);
        expect(got?.['ip'], s.name).toBe(s.ip);
        expect(got?.['hostname']).toBe(s.name);
        expect(got?.['domain']).toBe(domain);
      }
    }, 60_000);

    it("names each port in the network's domain, and its dnsmasq resolves the names", async () => {
      const dhcpIp = String(((await dhcpPorts())[0]!['fixed_ips'] as Json[])[0]!['ip_address']);
      for (const s of Object.values(servers)) {
        const port = (await neutron().call('GET', `/ports?device_id=${s.id}`, admin)).json().ports[0] as Json;
        expect(port['dns_name']).toBe(s.name);
        expect(port['dns_assignment']).toEqual([
          { hostname: s.name, ip_address: s.ip, fqdn: `${s.name}.${domain}.` },
        ]);
      }
      // From inside b, as its resolver would ask the DHCP port's dnsmasq.
      const answer = await within(async () => {
        const r = await inNs(servers.b.ns, [
          '/bin/busybox',
          'nslookup',
          `${servers.a.name}.${domain}`,
          dhcpIp,
        ]);
        return r.stdout.includes(servers.a.ip) ? r.stdout : undefined;
      }, 10_000);
      expect(answer, `no answer for ${servers.a.name}.${domain}`).toContain(servers.a.ip);
    }, 30_000);

    // Not yet passing: the listener, link, DNAT and reply rule are all in place (checked by
    // hand), yet the instance's connection to 169.254.169.254 times out. Left skipped until
    // the reply path is found (see the report of session 7, D4).
    it('answers 169.254.169.254 from inside each container with its own metadata only', async () => {
      const dhcpIp = String(((await dhcpPorts())[0]!['fixed_ips'] as Json[])[0]!['ip_address']);
      const docs: Record<string, Json> = {};
      for (const s of Object.values(servers)) {
        // As a guest's DHCP client does with option 121: the metadata route via the DHCP port.
        const got = await lease(s.ns, script);
        expect(got['staticroutes']).toContain(`169.254.169.254/32 ${dhcpIp}`);
        await inNs(s.ns, ['ip', 'route', 'replace', '169.254.169.254/32', 'via', dhcpIp, 'dev', 'eth0']);
        let last = '';
        const body = await within(
          () =>
            inNs(s.ns, ['curl', '-sS', '--noproxy', '*', '-m', '3', metadataUrl]).then(
              (r) => r.stdout,
              (err: unknown) => {
                last = String(err);
                return undefined;
              },
            ),
          15_000,
        );
        expect(body, `${s.name}: ${last}`).toBeDefined();
        docs[s.name] = JSON.parse(body!) as Json;
      }
      expect(docs[servers.a.name]!['uuid']).toBe(servers.a.id);
      expect(docs[servers.b.name]!['uuid']).toBe(servers.b.id);
      expect(docs[servers.a.name]!['name']).toBe(servers.a.name);
      expect(JSON.stringify(docs[servers.b.name])).not.toContain(servers.a.id);
    }, 60_000);

    it('leaves no DHCP port, namespace or dnsmasq behind once the servers are gone', async () => {
      for (const s of Object.values(servers)) {
        const res = await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${s.id}`, token: admin });
        expect(res.statusCode).toBe(204);
      }
      for (const s of Object.values(servers)) await waitForServer(t, admin, s.id, 'DELETED', 30_000);
      expect(await within(async () => ((await dhcpPorts()).length === 0 ? true : undefined), 15_000)).toBe(
        true,
      );
      const gone = async () => {
        const { stdout } = await runCommand('ip', ['-j', 'netns', 'list'], { timeoutMs: 3000 });
        const names = (JSON.parse(stdout || '[]') as Array<{ name: string }>).map((n) => n.name);
        return !names.includes(dhcpNetnsName(net)) && dnsmasqUnder(base).length === 0 ? true : undefined;
      };
      expect(await within(gone, 15_000)).toBe(true);
      expect((await neutron().call('DELETE', `/networks/${net}`, admin)).statusCode).toBe(204);
    }, 90_000);
  },
);
