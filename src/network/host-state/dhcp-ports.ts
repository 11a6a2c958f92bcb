import { createHash } from 'node:crypto';
import { uuid } from '../../common/ids.js';
import type { Db } from '../../db/db-handle.js';
import { isSet } from '../../db/row-codec.js';
import type { NetworkDeps } from '../network-deps.js';
import { getNetworkRow, lockNetwork } from '../networks/network-store.js';
import { servesDhcp } from '../../agent/host/dhcp/dhcp-spec.js';
import { insertPort } from '../ports/port-service.js';
import { deletePortRow } from '../ports/port-store.js';

/** Neutron's device_owner of a network's DHCP port. */
export const dhcpOwner = 'network:dhcp';
const instanceOwner = 'compute:%';

/**
 * Neutron's DHCP port device_id: `dhcp` + a UUID derived from the host + `-` + the network,
 * so the same host always names the same network's port alike.
 */
export function dhcpDeviceId(host: string, networkId: string): string {
  const h = createHash('sha1').update(`strata-dhcp:${host}`).digest('hex');
  const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return `dhcp${id}-${networkId}`;
}

/**
 * Neutron's DHCP agent asking the server for its ports (create_dhcp_port): every network an
 * instance port of `host` is on, with a subnet its dnsmasq serves (servesDhcp), gets one DHCP
 * port, bound to the first host that asks, with one address per such subnet. The host's own
 * DHCP ports go when the network left it or no DHCP subnet remains; a port whose subnets no
 * longer match is made anew. True when it changed anything.
 */
export async function syncDhcpPorts(deps: NetworkDeps, host: string): Promise<boolean> {
  const db = deps.store.db;
  const carried = await carriedNetworks(db, host);
  const wanted = await dhcpSubnetsOf(db, carried);
  const existing = await dhcpPorts(db, host, carried);
  let changed = false;
  for (const port of existing.filter((p) => p.host === host)) {
    const subnets = wanted.get(port.networkId) ?? [];
    if (sameSet(subnets, port.subnetIds)) continue;
    await deps.store.write((tx) => deletePortRow(tx, port.id));
    existing.splice(existing.indexOf(port), 1);
    changed = true;
  }
  for (const [networkId, subnets] of wanted) {
    if (subnets.length === 0 || existing.some((p) => p.networkId === networkId)) continue;
    changed = (await createDhcpPort(deps, host, networkId, subnets)) || changed;
  }
  return changed;
}

async function carriedNetworks(db: Db, host: string): Promise<string[]> {
  const rows = await db
    .selectFrom('ports')
    .select('network_id')
    .distinct()
    .where('binding_host_id', '=', host)
    .where('device_owner', 'like', instanceOwner)
    .execute();
  return rows.map((r) => r.network_id);
}

/** Per network, the subnets its dnsmasq serves (IPv4 with `enable_dhcp`, DHCPv6 ones: servesDhcp). */
async function dhcpSubnetsOf(db: Db, networkIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map(networkIds.map((id) => [id, [] as string[]]));
  if (networkIds.length === 0) return out;
  const rows = await db
    .selectFrom('subnets')
    .select(['id', 'network_id', 'enable_dhcp', 'ip_version', 'ipv6_ra_mode', 'ipv6_address_mode'])
    .where('network_id', 'in', networkIds)
    .orderBy('id')
    .execute();
  for (const s of rows) {
    const modes = { ipVersion: s.ip_version, enableDhcp: isSet(s.enable_dhcp) };
    if (servesDhcp({ ...modes, ipv6RaMode: s.ipv6_ra_mode, ipv6AddressMode: s.ipv6_address_mode }))
      out.get(s.network_id)?.push(s.id);
  }
  return out;
}

interface DhcpPortRef {
  readonly id: string;
  readonly networkId: string;
  readonly host: string;
  readonly subnetIds: string[];
}

/** The DHCP ports bound to `host`, and those of the networks it carries (wherever bound). */
async function dhcpPorts(db: Db, host: string, networkIds: string[]): Promise<DhcpPortRef[]> {
  const rows = await db
    .selectFrom('ports')
    .select(['id', 'network_id', 'binding_host_id'])
    .where('device_owner', '=', dhcpOwner)
    .where((eb) =>
      networkIds.length === 0
        ? eb('binding_host_id', '=', host)
        : eb.or([eb('binding_host_id', '=', host), eb('network_id', 'in', networkIds)]),
    )
    .orderBy('id')
    .execute();
  if (rows.length === 0) return [];
  const ips = await db
    .selectFrom('network_ip_allocations')
    .select(['port_id', 'subnet_id'])
    .where(
      'port_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  return rows.map((r) => ({
    id: r.id,
    networkId: r.network_id,
    host: r.binding_host_id,
    subnetIds: ips.filter((a) => a.port_id === r.id).map((a) => a.subnet_id),
  }));
}

/** Creates the network's DHCP port unless another host made one meanwhile (the network is locked). */
async function createDhcpPort(
  deps: NetworkDeps,
  host: string,
  networkId: string,
  subnetIds: string[],
): Promise<boolean> {
  return deps.store.write(async (tx) => {
    await lockNetwork(tx, networkId, deps.store.traits.name);
    const net = await getNetworkRow(tx, networkId);
    if (net === undefined) return false;
    const taken = await tx
      .selectFrom('ports')
      .select('id')
      .where('network_id', '=', networkId)
      .where('device_owner', '=', dhcpOwner)
      .executeTakeFirst();
    if (taken !== undefined) return false;
    const body = {
      network_id: networkId,
      device_owner: dhcpOwner,
      device_id: dhcpDeviceId(host, networkId),
      'binding:host_id': host,
      fixed_ips: subnetIds.map((subnet_id) => ({ subnet_id })),
    };
    await insertPort(deps, tx, uuid(), net.project_id, body, { quota: false });
    return true;
  });
}

function sameSet(a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Frees the DHCP ports' addresses on a subnet being deleted (Neutron does the same). */
export async function releaseDhcpAddresses(tx: Db, subnetId: string): Promise<void> {
  const dhcp = tx.selectFrom('ports').select('id').where('device_owner', '=', dhcpOwner);
  await tx
    .deleteFrom('network_ip_allocations')
    .where('subnet_id', '=', subnetId)
    .where('port_id', 'in', dhcp)
    .execute();
}

export async function dhcpHostOf(db: Db, networkId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('ports')
    .select('binding_host_id')
    .where('network_id', '=', networkId)
    .where('device_owner', '=', dhcpOwner)
    .orderBy('id')
    .executeTakeFirst();
  return row === undefined || row.binding_host_id === '' ? undefined : row.binding_host_id;
}
