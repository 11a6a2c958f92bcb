import { uuid } from '../../common/ids.js';
import type { Db } from '../../db/db-handle.js';
import type { NetworkCaller } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { findNetwork } from '../networks/network-service.js';
import { isSet } from '../../db/row-codec.js';
import { changeAddresses } from '../ports/port-address-change.js';
import type { FixedIpRequest } from '../ports/port-addresses.js';
import { insertPort } from '../ports/port-service.js';
import * as ports from '../ports/port-store.js';
import { subnetsOfNetwork } from '../subnets/subnet-store.js';
import { badRouterRequest, gatewayInUseByFloatingIp } from './router-errors.js';
import type { RouterRow } from './router-store.js';
import { floatingIpsOfRouter, gatewayOwner } from './router-store.js';

export interface GatewayInfo {
  readonly network_id: string;
  readonly enable_snat?: boolean;
  readonly external_fixed_ips?: FixedIpRequest[];
}

/**
 * Applies external_gateway_info inside the router's write: null removes the gateway port,
 * a new network replaces it, the same network keeps the port and changes its addresses.
 * Returns the router columns that change.
 */
export async function applyGateway(
  deps: NetworkDeps,
  tx: Db,
  caller: NetworkCaller,
  router: RouterRow,
  info: GatewayInfo | null,
): Promise<{ gw_port_id: string | null; enable_snat: 0 | 1 }> {
  const current = router.gw_port_id === null ? undefined : await ports.getPortRow(tx, router.gw_port_id);
  if (info === null) {
    if (current !== undefined) await removeGatewayPort(tx, router, current.network_id, current.id);
    return { gw_port_id: null, enable_snat: 1 };
  }
  const net = await findNetwork(tx, caller, info.network_id);
  if (!isSet(net.external)) throw badRouterRequest(`Network ${net.id} is not an external network`);
  const subnets = await subnetsOfNetwork(tx, net.id);
  for (const ip of info.external_fixed_ips ?? [])
    if (subnets.some((s) => s.gateway_ip !== null && s.gateway_ip === ip.ip_address))
      throw badRouterRequest(`External IP ${ip.ip_address} is the same as the gateway IP`);
  const snat: 0 | 1 = info.enable_snat === false ? 0 : 1;
  if (current !== undefined && current.network_id === net.id) {
    if (info.external_fixed_ips !== undefined) await readdress(tx, current, info.external_fixed_ips);
    return { gw_port_id: current.id, enable_snat: snat };
  }
  if (current !== undefined) await removeGatewayPort(tx, router, current.network_id, current.id);
  const port = await insertPort(deps, tx, uuid(), '', {
    network_id: net.id,
    device_id: router.id,
    device_owner: gatewayOwner,
    ...(info.external_fixed_ips !== undefined && { fixed_ips: info.external_fixed_ips }),
  });
  return { gw_port_id: port.id, enable_snat: snat };
}

async function removeGatewayPort(tx: Db, router: RouterRow, networkId: string, portId: string) {
  if ((await floatingIpsOfRouter(tx, router.id)) > 0) throw gatewayInUseByFloatingIp(router.id, networkId);
  await ports.deletePortRow(tx, portId);
}

async function readdress(tx: Db, port: ports.PortRow, wanted: FixedIpRequest[]) {
  const current = (await ports.allocationsOf(tx, [port])).get(port.id) ?? [];
  const subnets = await subnetsOfNetwork(tx, port.network_id);
  const change = await changeAddresses(
    tx,
    port.network_id,
    subnets,
    current,
    wanted,
    port.device_owner,
    port.mac_address,
  );
  await ports.replaceAllocations(
    tx,
    change.remove,
    change.add.map((p) => ({
      subnet_id: p.subnetId,
      ip_address: p.ip,
      port_id: port.id,
      network_id: port.network_id,
    })),
  );
}

/** The attribute names `<action>:external_gateway_info:<key>` rules are written for. */
export function gatewayPolicyAttrs(body: Record<string, unknown>): string[] {
  const info = body['external_gateway_info'] as Record<string, unknown> | null | undefined;
  if (info === undefined) return [];
  const keys = info === null ? [] : Object.keys(info).map((k) => `external_gateway_info:${k}`);
  return ['external_gateway_info', ...keys];
}
