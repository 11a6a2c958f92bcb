import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bridgeNameOf } from '../../host/bridge.js';
import { hasCommand } from '../../host/command.js';
import { dhcpNetnsName } from '../../host/dhcp/dhcp-spec.js';
import { deleteNetns, ensureNetns, netnsDir } from '../../host/netns.js';
import { externalNetns } from '../../host/router/external-netns.js';
import { routerNetnsOf } from '../../host/router/router-spec.js';
import { reapWorkloadsUnder } from '../../host/workload-reaper.js';
import type { HostNetworkState } from '../host-network-state.js';
import type { CloudHostNames } from './cloud-host-names.js';
import { cloudHostNames } from './cloud-host-names.js';
import { tearDownLinuxHost } from './host-teardown.js';
import { LinuxDataplane } from './linux-dataplane.js';

/** Why this test cannot run here: it makes namespaces, bridges, nft tables and dnsmasq. */
function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  const missing = ['ip', 'nft', 'dnsmasq', 'pgrep'].filter((c) => !hasCommand(c));
  return missing.length > 0 ? `missing ${missing.join(', ')}` : undefined;
}

const skip = skipReason();
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { timeout: 30_000 }).toString();

/** One cloud's topology: a network with DHCP and a filtered port, a router to an external network. */
function cloudState(): HostNetworkState {
  const [net, ext, router] = [randomUUID(), randomUUID(), randomUUID()];
  const subnet = (cidr: string, gatewayIp: string, enableDhcp: boolean) => ({
    id: randomUUID(),
    cidr,
    ipVersion: 4,
    gatewayIp,
    enableDhcp,
    dnsNameservers: [],
    hostRoutes: [],
  });
  const inside = subnet('10.50.0.0/24', '10.50.0.1', true);
  const network = (id: string, subnets: ReturnType<typeof subnet>[]) => ({
    id,
    mtu: 1450,
    networkType: 'vxlan',
    segmentationId: 100,
    physicalNetwork: null,
    subnets,
    remoteHosts: [],
    remotePorts: [],
  });
  const portId = randomUUID();
  return {
    networks: [
      {
        ...network(net, [inside]),
        dhcp: {
          portId: randomUUID(),
          mac: 'fa:16:3e:50:00:02',
          fixedIps: [{ subnetId: inside.id, ipAddress: '10.50.0.2' }],
          leases: [],
        },
      },
      network(ext, [subnet('172.24.4.0/24', '172.24.4.1', false)]),
    ],
    ports: [
      {
        id: portId,
        networkId: net,
        device: `tap${portId.slice(0, 11)}`,
        mac: 'fa:16:3e:50:00:05',
        mtu: 1450,
        fixedIps: ['10.50.0.5'],
        allowedAddressPairs: [],
        portSecurityEnabled: true,
        rules: [],
      },
    ],
    remoteGroups: {},
    externalNetwork: { id: ext, mtu: 1450, gatewayIp: '172.24.4.1', prefixLength: 24, physicalNetwork: null },
    routers: [
      {
        id: router,
        gateway: {
          portId: randomUUID(),
          networkId: ext,
          mac: 'fa:16:3e:50:00:0a',
          mtu: 1450,
          addresses: [{ ip: '172.24.4.10', prefixLength: 24 }],
          nextHop: '172.24.4.1',
          snat: true,
        },
        interfaces: [
          {
            portId: randomUUID(),
            networkId: net,
            mac: 'fa:16:3e:50:00:01',
            mtu: 1450,
            addresses: [{ ip: '10.50.0.1', prefixLength: 24 }],
          },
        ],
        routes: [],
        floatingIps: [],
      },
    ],
  };
}

interface Cloud {
  readonly dataDir: string;
  readonly names: CloudHostNames;
  readonly state: HostNetworkState;
}

/** What of `c` is on the machine, as the operator's tools show it. */
function presentOf(c: Cloud, hostNs: string) {
  const namespaces = readdirSync(netnsDir);
  const links = run('ip', ['-n', hostNs, '-o', 'link', 'show']);
  const tables = run('ip', ['netns', 'exec', hostNs, 'nft', 'list', 'tables']);
  const dnsmasq = (() => {
    try {
      return run('pgrep', ['-f', `dnsmasq.*${c.dataDir}/`]).trim();
    } catch {
      return ''; // pgrep exits 1 when nothing matches
    }
  })();
  const [net, ext] = c.state.networks.map((n) => n.id);
  return {
    dhcpNetns: namespaces.includes(dhcpNetnsName(net!, c.names.namePrefix)),
    routerNetns: namespaces.includes(routerNetnsOf(c.state.routers![0]!.id, c.names.namePrefix)),
    externalNetns: namespaces.includes(`${c.names.namePrefix}${externalNetns}`),
    bridges: [net!, ext!].filter((id) => links.includes(`${bridgeNameOf(id)}:`)).length,
    nftTables: tables.split('\n').filter((t) => t.trim().endsWith(` ${c.names.nftTable}`)).length,
    dnsmasq: dnsmasq !== '',
  };
}

const all = {
  dhcpNetns: true,
  routerNetns: true,
  externalNetns: true,
  bridges: 2,
  nftTables: 2,
  dnsmasq: true,
};
const none = {
  dhcpNetns: false,
  routerNetns: false,
  externalNetns: false,
  bridges: 0,
  nftTables: 0,
  dnsmasq: false,
};

describe.skipIf(skip !== undefined)('two clouds on one host, one torn down', () => {
  const base = mkdtempSync(join(tmpdir(), 'strata-teardown-'));
  // "The host": a namespace of its own holds both clouds' bridges and tables, as the machine would.
  const hostNs = `sdt-${randomUUID().slice(0, 8)}`;
  const clouds: Cloud[] = ['a', 'b'].map((name) => {
    const dataDir = join(base, name);
    mkdirSync(dataDir, { mode: 0o700 });
    return { dataDir, names: cloudHostNames(dataDir), state: cloudState() };
  });

  afterAll(async () => {
    for (const c of clouds) {
      reapWorkloadsUnder(c.dataDir);
      await tearDownLinuxHost({ dataDir: c.dataDir, names: c.names, netns: hostNs }).catch(() => undefined);
    }
    await deleteNetns(hostNs);
    rmSync(base, { recursive: true, force: true });
  });

  it('uses names of their own, and removes exactly the torn-down one’s things', async () => {
    expect(clouds[0]!.names.namePrefix).not.toBe(clouds[1]!.names.namePrefix);
    await ensureNetns(hostNs);
    for (const c of clouds) {
      const dataplane = new LinuxDataplane({ dataDir: c.dataDir, netns: hostNs, ...c.names });
      await dataplane.sync(c.state);
      await dataplane.close();
    }
    // Each cloud's second pass finds the other's things and leaves them be (no stale removal).
    for (const c of clouds) {
      const again = new LinuxDataplane({ dataDir: c.dataDir, netns: hostNs, ...c.names });
      const plan = await again.sync(c.state);
      await again.close();
      expect(plan.staleBridges).toEqual([]);
    }
    expect(presentOf(clouds[0]!, hostNs)).toEqual(all);
    expect(presentOf(clouds[1]!, hostNs)).toEqual(all);

    reapWorkloadsUnder(clouds[0]!.dataDir);
    await tearDownLinuxHost({ dataDir: clouds[0]!.dataDir, names: clouds[0]!.names, netns: hostNs });
    expect(presentOf(clouds[0]!, hostNs)).toEqual(none);
    expect(presentOf(clouds[1]!, hostNs)).toEqual(all);

    await tearDownLinuxHost({ dataDir: clouds[1]!.dataDir, names: clouds[1]!.names, netns: hostNs });
    expect(presentOf(clouds[1]!, hostNs)).toEqual(none);
  }, 180_000);
});
