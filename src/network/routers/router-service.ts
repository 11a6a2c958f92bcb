import { uuid } from '../../common/ids.js';
import type { Db } from '../../db/db-handle.js';
import { flag, parseJson } from '../../db/row-codec.js';
import { contains, parseIp, parseNetwork } from '../ipam/ip-address.js';
import { parseCreate, parseUpdate, valueOr } from '../network-attributes.js';
import type { NetworkCaller } from '../network-context.js';
import { enforce, enforceAttributes } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { ownerOf } from '../network-project.js';
import { checkRevision } from '../network-revision.js';
import { allocationsOf } from '../ports/port-store.js';
import { checkQuota } from '../quotas/quota-service.js';
import { getSubnetRow } from '../subnets/subnet-store.js';
import { invalidRoutes, routerInUse, routerNotFound } from './router-errors.js';
import type { GatewayInfo } from './router-gateway.js';
import { applyGateway, gatewayPolicyAttrs } from './router-gateway.js';
import { routerAttributes } from './router-schemas.js';
import type { RouterRow } from './router-store.js';
import * as store from './router-store.js';
import { retryOnUnique } from './router-write.js';

export interface Route {
  readonly destination: string;
  readonly nexthop: string;
}

/** A router is seen by its project and by admins; anyone else gets RouterNotFound. */
export async function findRouter(db: Db, caller: NetworkCaller, id: string): Promise<RouterRow> {
  const row = await store.getRouterRow(db, id);
  if (row === undefined || (!caller.isAdmin && row.project_id !== caller.projectId)) throw routerNotFound(id);
  return row;
}

export const routerTarget = (row: Pick<RouterRow, 'project_id'>) => ({
  project_id: row.project_id,
  tenant_id: row.project_id,
});

export async function createRouter(deps: NetworkDeps, caller: NetworkCaller, input: Record<string, unknown>) {
  const body = parseCreate(routerAttributes, input);
  const projectId = ownerOf(caller, body);
  const target = { ...routerTarget({ project_id: projectId }), ...body };
  enforce(caller, 'create_router', target);
  enforceAttributes(caller, 'create_router', gatewayPolicyAttrs(body), target);
  const id = uuid();
  return retryOnUnique(deps, async (tx) => {
    const now = deps.clock().toISOString();
    const row: RouterRow = {
      id,
      project_id: projectId,
      name: valueOr(routerAttributes, body, 'name'),
      description: valueOr(routerAttributes, body, 'description'),
      admin_state_up: flag(valueOr(routerAttributes, body, 'admin_state_up')),
      status: 'ACTIVE',
      gw_port_id: null,
      enable_snat: 1,
      routes: '[]',
      tags: '[]',
      revision_number: 1,
      created_at: now,
      updated_at: now,
      host: null,
    };
    await checkQuota(tx, projectId, 'router');
    await store.insertRouterRow(tx, row);
    const info = valueOr<GatewayInfo | null>(routerAttributes, body, 'external_gateway_info');
    if (info === null) return row;
    const gw = await applyGateway(deps, tx, caller, row, info);
    await tx.updateTable('routers').set(gw).where('id', '=', id).execute();
    return { ...row, ...gw };
  });
}

export async function updateRouter(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  input: Record<string, unknown>,
  ifRevision?: number,
) {
  const body = parseUpdate(routerAttributes, input);
  return retryOnUnique(deps, async (tx) => {
    const row = await findRouter(tx, caller, id);
    checkRevision(ifRevision, row.revision_number);
    const target = { ...routerTarget(row), ...body };
    enforce(caller, 'update_router', target);
    enforceAttributes(caller, 'update_router', gatewayPolicyAttrs(body), target);
    const gw =
      body['external_gateway_info'] === undefined
        ? {}
        : await applyGateway(deps, tx, caller, row, body['external_gateway_info'] as GatewayInfo | null);
    const routes = body['routes'] as Route[] | undefined;
    if (routes !== undefined) await validateRoutes(tx, row.id, routes);
    const bool = (k: string) => (body[k] === undefined ? undefined : flag(body[k] as boolean));
    const change = Object.fromEntries(
      Object.entries({
        name: body['name'],
        description: body['description'],
        admin_state_up: bool('admin_state_up'),
        routes: routes === undefined ? undefined : JSON.stringify(routes),
        ...gw,
      }).filter(([, v]) => v !== undefined),
    );
    if (Object.keys(change).length === 0) return row;
    await store.updateRouterRow(tx, row, change, deps.clock().toISOString());
    return (await store.getRouterRow(tx, id))!;
  });
}

/**
 * extraroute: each nexthop must be on a subnet of one of the router's ports and must not
 * be one of the router's own addresses (InvalidRoutes, 400).
 */
async function validateRoutes(tx: Db, routerId: string, routes: ReadonlyArray<Route>): Promise<void> {
  const owned = await store.routerPorts(tx, routerId);
  const addresses = [...(await allocationsOf(tx, owned)).values()].flat();
  const cidrs: string[] = [];
  for (const a of addresses) {
    const s = await getSubnetRow(tx, a.subnet_id);
    if (s !== undefined) cidrs.push(s.cidr);
  }
  const ips = new Set(addresses.map((a) => a.ip_address));
  for (const r of routes) {
    const hop = parseIp(r.nexthop)!;
    if (!cidrs.some((c) => hop.version === parseNetwork(c).version && contains(parseNetwork(c), hop)))
      throw invalidRoutes(routes, 'the nexthop is not connected with router');
    if (ips.has(r.nexthop)) throw invalidRoutes(routes, 'the nexthop is used by router');
  }
}

export const routesOf = (row: RouterRow) => parseJson<Route[]>(row.routes, []);

export async function deleteRouter(
  deps: NetworkDeps,
  caller: NetworkCaller,
  id: string,
  ifRevision?: number,
) {
  await deps.store.write(async (tx) => {
    const row = await findRouter(tx, caller, id);
    checkRevision(ifRevision, row.revision_number);
    enforce(caller, 'delete_router', routerTarget(row));
    const attached = await store.routerPorts(tx, id, store.interfaceOwner);
    if (attached.length > 0)
      throw routerInUse(id, `has ports still attached: ${attached.map((p) => p.id).join(', ')}`);
    await applyGateway(deps, tx, caller, row, null);
    await store.deleteRouterRow(tx, id);
  });
}
