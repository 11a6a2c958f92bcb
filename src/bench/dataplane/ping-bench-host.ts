import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LinuxDataplane } from '../../agent/dataplane/linux/linux-dataplane.js';
import type { ComputeDriver } from '../../agent/drivers/driver.js';
import { DriverSet } from '../../agent/drivers/driver-set.js';
import { drivers } from '../../agent/drivers/registry.js';
import { removeDhcp } from '../../agent/host/dhcp/dhcp.js';
import { createTokenValidator } from '../../identity/index.js';
import { registerTestImages } from '../../image/test-image-registration.js';
import type { BenchCloud } from '../bench-cloud.js';
import type { BootKind } from '../workload-bench-setup.js';
import { benchFlavors, driverOf, testImageId } from '../workload-bench-setup.js';

type Json = Record<string, unknown>;
const parse = (body: string) => JSON.parse(body) as Json;

/** One linux-dataplane host in the bench cloud, with a network, a group letting ping in, and images. */
export interface PingBenchHost {
  readonly hostname: string;
  readonly token: string;
  readonly networkId: string;
  readonly securityGroup: string;
  readonly imageIds: Readonly<Partial<Record<BootKind, string>>>;
  readonly flavorIds: Readonly<Partial<Record<BootKind, string>>>;
  readonly dataplane: LinuxDataplane;
  readonly driver: ComputeDriver;
}

/** The drivers of `kinds` with their NICs' host side in `netns`, as one driver. */
function hostDriverIn(kinds: ReadonlyArray<BootKind>, base: string, netns: string): ComputeDriver {
  const made = kinds.map((k) =>
    drivers[driverOf[k]].create({
      stateDir: join(base, 'instances', k),
      cacheDir: join(base, 'cache', k),
      hostNetns: netns,
    }),
  );
  return made.length === 1 ? made[0]! : new DriverSet(made);
}

async function post(c: BenchCloud, token: string, path: string, json: Json, status = 201): Promise<Json> {
  const headers = { 'x-auth-token': token };
  return parse(
    (await c.http.expect(status, { method: 'POST', url: `${c.publicUrl}${path}`, headers, json })).body,
  );
}

/** A tenant network and subnet, and a group letting ICMP in (the default group lets in only its members). */
async function networkAndGroup(c: BenchCloud, token: string, tag: string) {
  const net = (await post(c, token, '/network/v2.0/networks', { network: { name: `bench-ping-${tag}` } }))[
    'network'
  ] as Json;
  const networkId = String(net['id']);
  const cidr = `10.${200 + (parseInt(tag, 16) % 50)}.0.0/24`;
  await post(c, token, '/network/v2.0/subnets', { subnet: { network_id: networkId, cidr, ip_version: 4 } });
  const sg = (
    await post(c, token, '/network/v2.0/security-groups', { security_group: { name: `ping-${tag}` } })
  )['security_group'] as Json;
  await post(c, token, '/network/v2.0/security-group-rules', {
    security_group_rule: { security_group_id: sg['id'], direction: 'ingress', protocol: 'icmp' },
  });
  return { networkId, securityGroup: String(sg['name']) };
}

/**
 * Adds a linux-dataplane host (`kinds`' drivers, NIC host ends and bridges in `netns`, DHCP
 * under `base`) to the bench cloud, then the images, flavors, network and group to boot with.
 */
export async function addPingBenchHost(
  c: BenchCloud,
  kinds: ReadonlyArray<BootKind>,
  o: { readonly tag: string; readonly netns: string; readonly base: string },
): Promise<PingBenchHost> {
  const hostname = `bench-ping-${o.tag}`;
  const dataplane = new LinuxDataplane({
    netns: o.netns,
    tunnelIp: '127.0.0.1',
    dataDir: join(o.base, 'agent'),
    metadataPort: 20_000 + (parseInt(o.tag, 16) % 20_000),
  });
  const driver = hostDriverIn(kinds, o.base, o.netns);
  await c.cloud.compute.agents.add(hostname, driver, { dataplane });
  const token = await c.issueAdminToken();
  const auth = await createTokenValidator(c.cloud.identity).validate(token);
  if (auth.projectId === undefined) throw new Error('the admin token has no project scope');
  await registerTestImages(c.cloud, auth.projectId, kinds);
  const imageIds: Partial<Record<BootKind, string>> = {};
  const flavorIds: Partial<Record<BootKind, string>> = {};
  for (const k of kinds) {
    imageIds[k] = await testImageId(c, token, k);
    const flavor = { ...benchFlavors[k], name: `${benchFlavors[k].name}-${o.tag}` };
    flavorIds[k] = String(
      ((await post(c, token, '/compute/v2.1/flavors', { flavor }, 200))['flavor'] as Json)['id'],
    );
  }
  return {
    hostname,
    token,
    ...(await networkAndGroup(c, token, o.tag)),
    imageIds,
    flavorIds,
    dataplane,
    driver,
  };
}

/**
 * Whatever a run left on the host: workloads, the network's dnsmasq and DHCP namespace. The
 * agent stops first, so no sync in flight sets the DHCP namespace up again behind us.
 */
export async function cleanPingBenchHost(
  c: BenchCloud,
  h: PingBenchHost | undefined,
  o: { netns: string; base: string },
): Promise<void> {
  if (h === undefined) return;
  await c.cloud.compute.agents.stopAll();
  const signal = AbortSignal.timeout(60_000);
  for (const w of await h.driver.list().catch(() => []))
    await h.driver.destroy(w.workloadId, signal).catch(() => undefined);
  await removeDhcp(h.networkId, { dataDir: join(o.base, 'agent'), hostNetns: o.netns }).catch(
    () => undefined,
  );
  killDnsmasqUnder(o.base);
}

/** Kills, by pid, any dnsmasq whose command line names a file under `dir` (only this run's). */
function killDnsmasqUnder(dir: string): void {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if ((cmdline.split('\0')[0] ?? '').endsWith('dnsmasq') && cmdline.includes(dir))
      process.kill(Number(pid), 'SIGKILL');
  }
}
