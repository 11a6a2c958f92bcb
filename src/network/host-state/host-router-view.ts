import type { RouterState } from '../../agent/host/router/router-spec.js';
import type { Db } from '../../db/db-handle.js';
import { allocationsOf } from '../ports/port-store.js';
import type { PortRow } from '../ports/port-store.js';
import { routerDataplaneSpec } from '../routers/router-dataplane.js';
import type { RouterPortFacts } from '../routers/router-dataplane.js';
import { gatewayOwner, interfaceOwner } from '../routers/router-store.js';

/** The external network's far side as its router host sets it up (see ensureExternalNamespace). */
export interface HostExternalNetworkEntry {
  readonly id: string;
  readonly mtu: number;
  /** The external subnet's gateway address and prefix length, held by the far side. */
  readonly gatewayIp: string;
  readonly prefixLength: number;
  readonly physicalNetwork: string | null;
}

/** The routers a host runs, the networks they join, and the external network they reach. */
export interface HostRouterView {
  readonly routers: RouterState[];
  /** Networks of the routers' ports: the host needs their bridges even with no instance there. */
  readonly networkIds: string[];
  readonly externalNetwork: HostExternalNetworkEntry | undefined;
}

const none: HostRouterView = { routers: [], networkIds: [], externalNetwork: undefined };

/**
 * What Neutron's L3 agent on `host` would be told: each router placed there (its interfaces,
 * gateway, routes and floating IPs), and the default external network (the one gateways use
 * when none is marked default). Administratively down routers are left out: the host removes them.
 */
export async function hostRouterView(db: Db, host: string): Promise<HostRouterView> {
  const routers = await db.selectFrom('routers').selectAll().where('host', '=', host).orderBy('id').execute();
  if (routers.length === 0) return none;
  const ids = routers.map((r) => r.id);
  const [ports, fips] = await Promise.all([
    db
      .selectFrom('ports')
      .selectAll()
      .where('device_id', 'in', ids)
      .where('device_owner', 'in', [interfaceOwner, gatewayOwner])
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    db.selectFrom('floatingips').selectAll().where('router_id', 'in', ids).orderBy('id').execute(),
  ]);
  const facts = await portFacts(db, ports);
  const specs = routers.flatMap((r) => {
    const spec = routerDataplaneSpec(
      r,
      facts.filter((f) => ports.find((p) => p.id === f.port.id)?.device_id === r.id),
      fips,
    );
    return spec === undefined ? [] : [spec];
  });
  const joined = specs.flatMap((s) => [...s.interfaces, ...(s.gateway ? [s.gateway] : [])]);
  const gatewayNets = specs.flatMap((s) => (s.gateway ? [s.gateway.networkId] : []));
  const external = await externalNetwork(db, gatewayNets);
  const networkIds = [...joined.map((p) => p.networkId), ...(external ? [external.id] : [])];
  return { routers: specs, networkIds: [...new Set(networkIds)].sort(), externalNetwork: external };
}

/** The router ports with their networks' MTU and their addresses' subnets. */
async function portFacts(db: Db, ports: ReadonlyArray<PortRow>): Promise<RouterPortFacts[]> {
  if (ports.length === 0) return [];
  const ips = await allocationsOf(db, ports);
  const subnetIds = [...new Set([...ips.values()].flat().map((a) => a.subnet_id))];
  const [subnets, nets] = await Promise.all([
    subnetIds.length === 0 ? [] : db.selectFrom('subnets').selectAll().where('id', 'in', subnetIds).execute(),
    db
      .selectFrom('networks')
      .select(['id', 'mtu'])
      .where('id', 'in', [...new Set(ports.map((p) => p.network_id))])
      .execute(),
  ]);
  return ports.map((port) => ({
    port,
    mtu: nets.find((n) => n.id === port.network_id)?.mtu ?? 1500,
    fixedIps: (ips.get(port.id) ?? []).flatMap((a) => {
      const subnet = subnets.find((s) => s.id === a.subnet_id);
      return subnet === undefined ? [] : [{ ipAddress: a.ip_address, subnet }];
    }),
  }));
}

/**
 * The default external network (`is_default`), else the first one a gateway here is on; with
 * its first IPv4 subnet's gateway. Undefined when there is none or it has no such subnet.
 */
async function externalNetwork(
  db: Db,
  gatewayNets: ReadonlyArray<string>,
): Promise<HostExternalNetworkEntry | undefined> {
  const nets = await db
    .selectFrom('networks')
    .selectAll()
    .where('external', '=', 1)
    .where((eb) =>
      gatewayNets.length === 0
        ? eb('is_default', '=', 1)
        : eb.or([eb('is_default', '=', 1), eb('id', 'in', [...gatewayNets])]),
    )
    .execute();
  const net = nets.find((n) => n.is_default === 1) ?? nets.sort((a, b) => (a.id < b.id ? -1 : 1))[0];
  if (net === undefined) return undefined;
  const subnet = await db
    .selectFrom('subnets')
    .select(['cidr', 'gateway_ip'])
    .where('network_id', '=', net.id)
    .where('ip_version', '=', 4)
    .where('gateway_ip', 'is not', null)
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
  if (subnet?.gateway_ip == null) return undefined;
  return {
    id: net.id,
    mtu: net.mtu,
    gatewayIp: subnet.gateway_ip,
    prefixLength: Number(subnet.cidr.split('/')[1]),
    physicalNetwork: net.physical_network === '' ? null : net.physical_network,
  };
}
