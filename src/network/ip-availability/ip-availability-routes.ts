import { exactJsonResponse } from '../../common/http/exact-json.js';
import { route } from '../../common/http/route-spec.js';
import { parseJson } from '../../db/row-codec.js';
import type { Db } from '../../db/db-handle.js';
import { parseIp } from '../ipam/ip-address.js';
import type { NetworkDeps } from '../network-deps.js';
import { networkNotFound } from '../network-errors.js';
import { applyList, parseListQuery, pickFields } from '../network-list.js';
import type { NetworkRow } from '../networks/network-store.js';
import { getNetworkRow, listNetworkRows } from '../networks/network-store.js';
import {
  ipAvailabilityListResponse,
  ipAvailabilityShowResponse,
} from './ip-availability-response-schemas.js';

/**
 * Addresses in a subnet's allocation pools (Neutron's total_ips counts the pools, not the
 * CIDR): a bigint, since an IPv6 pool holds more than a JavaScript number counts exactly.
 */
function poolSize(poolsJson: string): bigint {
  let total = 0n;
  for (const p of parseJson<Array<{ start: string; end: string }>>(poolsJson, [])) {
    const [start, end] = [parseIp(p.start), parseIp(p.end)];
    if (start !== undefined && end !== undefined) total += end.value - start.value + 1n;
  }
  return total;
}

/** Each network's availability: its subnets' pool sizes and allocated addresses, summed. */
async function availabilityOf(db: Db, networks: ReadonlyArray<NetworkRow>) {
  const ids = networks.map((n) => n.id);
  if (ids.length === 0) return [];
  const subnets = await db.selectFrom('subnets').selectAll().where('network_id', 'in', ids).execute();
  const used = await db
    .selectFrom('network_ip_allocations')
    .select(['subnet_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('network_id', 'in', ids)
    .groupBy('subnet_id')
    .execute();
  const usedBySubnet = new Map(used.map((u) => [u.subnet_id, Number(u.n)]));
  return networks.map((n) => {
    const mine = subnets
      .filter((s) => s.network_id === n.id)
      .sort((a, b) =>
        a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1,
      )
      .map((s) => ({
        subnet_id: s.id,
        subnet_name: s.name,
        cidr: s.cidr,
        ip_version: s.ip_version,
        total_ips: poolSize(s.allocation_pools),
        used_ips: usedBySubnet.get(s.id) ?? 0,
      }));
    return {
      network_id: n.id,
      network_name: n.name,
      tenant_id: n.project_id,
      project_id: n.project_id,
      total_ips: mine.reduce((t, s) => t + s.total_ips, 0n),
      used_ips: mine.reduce((t, s) => t + s.used_ips, 0),
      subnet_ip_availability: mine,
    };
  });
}

const target = (ctx: { auth: { projectId?: string | undefined } }) => ({ project_id: ctx.auth.projectId });

/** GET /v2.0/network-ip-availabilities[/{network_id}]: admin only, as Neutron's policy has it. */
export const ipAvailabilityRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/network-ip-availabilities',
    policy: 'get_network_ip_availability',
    target,
    successStatus: 200,
    response: ipAvailabilityListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const q = parseListQuery(ctx.query);
      const rows = await availabilityOf(deps.store.db, await listNetworkRows(deps.store.db, undefined, true));
      const { items, links } = applyList(rows, q, {
        url: ctx.url,
        query: ctx.query,
        sortable: new Set(['network_id', 'network_name', 'project_id', 'total_ips', 'used_ips']),
        special: {
          ip_version: (row, wanted) =>
            row.subnet_ip_availability.some((s) => wanted.includes(String(s.ip_version))),
        },
        markerMissing: () => networkNotFound(q.marker ?? ''),
      });
      return exactJsonResponse({
        network_ip_availabilities: items.map((r) => pickFields(r, q.fields)),
        ...(links.length > 0 && { network_ip_availabilities_links: links }),
      });
    },
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/network-ip-availabilities/:network_id',
    policy: 'get_network_ip_availability',
    target,
    successStatus: 200,
    response: ipAvailabilityShowResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const id = ctx.params['network_id']!;
      const row = await getNetworkRow(deps.store.db, id);
      if (row === undefined) throw networkNotFound(id);
      const [availability] = await availabilityOf(deps.store.db, [row]);
      return exactJsonResponse({
        network_ip_availability: pickFields(availability!, parseListQuery(ctx.query).fields),
      });
    },
  }),
];
