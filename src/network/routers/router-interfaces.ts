import { bumpParentRevision } from '../network-revision.js';
import { uuid } from '../../common/ids.js';
import type { Db } from '../../db/db-handle.js';
import { contains, overlaps, parseIp, parseNetwork } from '../ipam/ip-address.js';
import { isUuid } from '../network-attributes.js';
import type { NetworkCaller } from '../network-context.js';
import { enforce } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { findPort, insertPort } from '../ports/port-service.js';
import type { AllocationRow, PortRow } from '../ports/port-store.js';
import * as ports from '../ports/port-store.js';
import { findSubnet } from '../subnets/subnet-service.js';
import type { SubnetRow } from '../subnets/subnet-store.js';
import { getSubnetRow, subnetsOfNetwork } from '../subnets/subnet-store.js';
import {
  badRouterRequest,
  portInUse,
  routerInterfaceInUseByFloatingIp,
  routerInterfaceInUseByRoute,
  routerInterfaceNotFound,
  routerInterfaceNotFoundForSubnet,
  subnetMismatchForPort,
} from './router-errors.js';
import { findRouter, routerTarget, routesOf } from './router-service.js';
import type { RouterRow } from './router-store.js';
import * as store from './router-store.js';
import { retryOnUnique } from './router-write.js';

/** The answer of add/remove_router_interface. */
export interface InterfaceInfo {
  id: string;
  tenant_id: string;
  project_id: string;
  port_id: string;
  network_id: string;
  subnet_id: string;
  subnet_ids: string[];
}

function interfaceInfo(router: RouterRow, port: PortRow, subnets: ReadonlyArray<SubnetRow>): InterfaceInfo {
  return {
    id: router.id,
    tenant_id: port.project_id,
    project_id: port.project_id,
    port_id: port.id,
    network_id: port.network_id,
    subnet_id: subnets[subnets.length - 1]!.id,
    subnet_ids: subnets.map((s) => s.id),
  };
}

/** Neutron's _validate_interface_info: one of subnet_id or port_id, each a UUID. */
function parseInterfaceBody(body: unknown, forRemoval: boolean): { subnetId?: string; portId?: string } {
  const o = (body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<
    string,
    unknown
  >;
  if (!('port_id' in o) && !('subnet_id' in o))
    throw badRouterRequest('Either subnet_id or port_id must be specified');
  for (const key of ['port_id', 'subnet_id'])
    if (key in o) {
      const bad = isUuid(o[key]);
      if (bad !== undefined) throw badRouterRequest(bad);
    }
  if (!forRemoval && 'port_id' in o && 'subnet_id' in o)
    throw badRouterRequest('Cannot specify both subnet-id and port-id');
  return {
    ...('subnet_id' in o && { subnetId: o['subnet_id'] as string }),
    ...('port_id' in o && { portId: o['port_id'] as string }),
  };
}

export async function addRouterInterface(
  deps: NetworkDeps,
  caller: NetworkCaller,
  routerId: string,
  body: unknown,
): Promise<InterfaceInfo> {
  const req = parseInterfaceBody(body, false);
  return retryOnUnique(deps, async (tx) => {
    const router = await findRouter(tx, caller, routerId);
    enforce(caller, 'add_router_interface', routerTarget(router));
    await bumpParentRevision(tx, 'routers', router.id, deps.clock().toISOString());
    if (req.portId !== undefined) return addByPort(deps, tx, caller, router, req.portId);
    return addBySubnet(deps, tx, caller, router, req.subnetId!);
  });
}

async function addBySubnet(
  deps: NetworkDeps,
  tx: Db,
  caller: NetworkCaller,
  router: RouterRow,
  subnetId: string,
) {
  const subnet = await findSubnet(tx, caller, subnetId);
  if (subnet.gateway_ip === null)
    throw badRouterRequest('Subnet for router interface must have a gateway IP');
  if (subnet.project_id !== caller.projectId && !caller.isAdmin)
    throw badRouterRequest(
      `Cannot add interface to router because subnet ${subnetId} is not owned by project making the request`,
    );
  await checkDuplicateSubnets(tx, router, [subnet]);
  const port = await insertPort(deps, tx, uuid(), router.project_id, {
    network_id: subnet.network_id,
    fixed_ips: [{ ip_address: subnet.gateway_ip, subnet_id: subnet.id }],
    device_id: router.id,
    device_owner: store.interfaceOwner,
  });
  return interfaceInfo(router, port, [subnet]);
}

async function addByPort(
  deps: NetworkDeps,
  tx: Db,
  caller: NetworkCaller,
  router: RouterRow,
  portId: string,
) {
  const port = await findPort(tx, caller, portId);
  if (port.device_id !== '') throw portInUse(port.id, port.network_id, port.device_id);
  const ips = (await ports.allocationsOf(tx, [port])).get(port.id) ?? [];
  if (ips.length === 0) throw badRouterRequest('Router port must have at least one fixed IP');
  const subnets = await subnetsOf(tx, ips);
  await checkDuplicateSubnets(tx, router, subnets);
  if (subnets.filter((s) => s.ip_version === 4).length > 1)
    throw badRouterRequest('Cannot have multiple IPv4 subnets on router port');
  await ports.updatePortRow(
    tx,
    port,
    { device_id: router.id, device_owner: store.interfaceOwner },
    deps.clock().toISOString(),
  );
  return interfaceInfo(router, { ...port, device_id: router.id }, subnets);
}

async function subnetsOf(tx: Db, ips: ReadonlyArray<AllocationRow>): Promise<SubnetRow[]> {
  const out: SubnetRow[] = [];
  for (const id of new Set(ips.map((a) => a.subnet_id))) {
    const s = await getSubnetRow(tx, id);
    if (s !== undefined) out.push(s);
  }
  return out;
}

/**
 * A subnet the router already has a port on is refused, and so is one whose CIDR overlaps
 * a subnet the router reaches (the gateway reaches every subnet of its external network).
 */
async function checkDuplicateSubnets(tx: Db, router: RouterRow, wanted: ReadonlyArray<SubnetRow>) {
  const owned = await store.routerPorts(tx, router.id);
  const ips = await ports.allocationsOf(tx, owned);
  const reached: SubnetRow[] = [];
  for (const p of owned) {
    for (const a of ips.get(p.id) ?? [])
      if (wanted.some((w) => w.id === a.subnet_id))
        throw badRouterRequest(`Router already has a port on subnet ${a.subnet_id}`);
    if (p.device_owner === store.gatewayOwner) reached.push(...(await subnetsOfNetwork(tx, p.network_id)));
    else reached.push(...(await subnetsOf(tx, ips.get(p.id) ?? [])));
  }
  for (const sub of reached)
    for (const s of wanted)
      if (overlaps(parseNetwork(sub.cidr), parseNetwork(s.cidr)))
        throw badRouterRequest(
          `Cidr ${s.cidr} of subnet ${s.id} overlaps with cidr ${sub.cidr} of subnet ${sub.id}`,
        );
}

export async function removeRouterInterface(
  deps: NetworkDeps,
  caller: NetworkCaller,
  routerId: string,
  body: unknown,
): Promise<InterfaceInfo> {
  const req = parseInterfaceBody(body, true);
  return deps.store.write(async (tx) => {
    const router = await findRouter(tx, caller, routerId);
    enforce(caller, 'remove_router_interface', routerTarget(router));
    await bumpParentRevision(tx, 'routers', router.id, deps.clock().toISOString());
    if (req.portId !== undefined) return removeByPort(tx, router, req.portId, req.subnetId);
    return removeBySubnet(deps, tx, caller, router, req.subnetId!);
  });
}

async function removeByPort(tx: Db, router: RouterRow, portId: string, subnetId: string | undefined) {
  const port = (await store.routerPorts(tx, router.id, store.interfaceOwner)).find((p) => p.id === portId);
  if (port === undefined) throw routerInterfaceNotFound(router.id, portId);
  const ips = (await ports.allocationsOf(tx, [port])).get(port.id) ?? [];
  if (subnetId !== undefined && !ips.some((a) => a.subnet_id === subnetId))
    throw subnetMismatchForPort(portId, subnetId);
  const subnets = await subnetsOf(tx, ips);
  for (const s of subnets) await checkNotInUse(tx, router, s);
  await ports.deletePortRow(tx, port.id);
  return interfaceInfo(router, port, subnets);
}

async function removeBySubnet(
  deps: NetworkDeps,
  tx: Db,
  caller: NetworkCaller,
  router: RouterRow,
  subnetId: string,
) {
  const subnet = await findSubnet(tx, caller, subnetId);
  const candidates = (await store.routerPorts(tx, router.id, store.interfaceOwner)).filter(
    (p) => p.network_id === subnet.network_id,
  );
  if (candidates.length > 0) await checkNotInUse(tx, router, subnet);
  const ips = await ports.allocationsOf(tx, candidates);
  for (const p of candidates) {
    const own = ips.get(p.id) ?? [];
    if (!own.some((a) => a.subnet_id === subnetId)) continue;
    const others = own.filter((a) => a.subnet_id !== subnetId);
    if (others.length === 0) await ports.deletePortRow(tx, p.id);
    else {
      await ports.replaceAllocations(
        tx,
        own.filter((a) => a.subnet_id === subnetId),
        [],
      );
      await ports.updatePortRow(tx, p, {}, deps.clock().toISOString());
    }
    return interfaceInfo(router, p, [subnet]);
  }
  throw routerInterfaceNotFoundForSubnet(router.id, subnetId);
}

/** Floating IPs and extra routes that need the subnet keep its interface (409). */
async function checkNotInUse(tx: Db, router: RouterRow, subnet: SubnetRow) {
  if ((await store.floatingIpsOnSubnet(tx, router.id, subnet.id)) > 0)
    throw routerInterfaceInUseByFloatingIp(router.id, subnet.id);
  const cidr = parseNetwork(subnet.cidr);
  if (routesOf(router).some((r) => contains(cidr, parseIp(r.nexthop)!)))
    throw routerInterfaceInUseByRoute(router.id, subnet.id);
}
