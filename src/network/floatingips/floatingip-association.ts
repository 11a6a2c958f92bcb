import type { Db } from '../../db/db-handle.js';
import { parseIp } from '../ipam/ip-address.js';
import type { NetworkCaller } from '../network-context.js';
import { findPort } from '../ports/port-service.js';
import { allocationsOf } from '../ports/port-store.js';
import {
  badFloatingIpRequest,
  externalGatewayForFloatingIpNotFound,
  floatingIpPortAlreadyAssociated,
} from '../routers/router-errors.js';
import { routersBetween } from '../routers/router-store.js';
import { getSubnetRow } from '../subnets/subnet-store.js';
import type { FloatingIpRow } from './floatingip-store.js';
import { floatingIpOn } from './floatingip-store.js';

export interface Association {
  readonly fixed_port_id: string | null;
  readonly fixed_ip_address: string | null;
  readonly router_id: string | null;
  readonly status: 'ACTIVE' | 'DOWN';
}

export const unassociated: Association = {
  fixed_port_id: null,
  fixed_ip_address: null,
  router_id: null,
  status: 'DOWN',
};

type FipIdentity = Pick<FloatingIpRow, 'id' | 'project_id' | 'floating_network_id' | 'floating_ip_address'>;

/** Owners whose ports may hold a floating IP (neutron-lib's is_fip_serviced). */
const isFipServiced = (owner: string) => !owner.startsWith('network:') || owner === 'network:loadbalancer';

/**
 * Neutron's _check_and_get_fip_assoc: the port's fixed IPv4 address to translate to and
 * the router that links its subnet to the floating network.
 */
export async function associationFor(
  db: Db,
  caller: NetworkCaller,
  fip: FipIdentity,
  portId: string | null,
  fixedIp: string | null,
): Promise<Association> {
  if (portId === null) {
    if (fixedIp !== null)
      throw badFloatingIpRequest('fixed_ip_address cannot be specified without a port_id');
    return unassociated;
  }
  const port = await findPort(db, caller, portId);
  if (port.project_id !== fip.project_id && !caller.isAdmin)
    throw badFloatingIpRequest(
      `Cannot process floating IP association with Port ${portId}, since that port is owned by a different tenant`,
    );
  // Neutron leaves this message unformatted.
  if (!isFipServiced(port.device_owner))
    throw badFloatingIpRequest('Port %(id)s is unable to be assigned a floating IP');
  const ips = (await allocationsOf(db, [port])).get(port.id) ?? [];
  let chosen;
  if (fixedIp !== null) {
    if (parseIp(fixedIp)?.version !== 4)
      throw badFloatingIpRequest(
        `Cannot process floating IP association with ${fixedIp}, since that is not an IPv4 address`,
      );
    chosen = ips.find((a) => a.ip_address === fixedIp);
    if (chosen === undefined) throw badFloatingIpRequest(`Port ${port.id} does not have fixed ip ${fixedIp}`);
  } else {
    const v4 = ips.filter((a) => parseIp(a.ip_address)?.version === 4);
    if (v4.length === 0)
      throw badFloatingIpRequest(
        `Cannot add floating IP to port ${port.id} that has no fixed IPv4 addresses`,
      );
    if (v4.length > 1)
      throw badFloatingIpRequest(
        `Port ${port.id} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when assigning a floating IP`,
      );
    chosen = v4[0]!;
  }
  const routerId = await routerFor(db, port.id, chosen.subnet_id, fip.floating_network_id);
  const other = await floatingIpOn(db, port.id, chosen.ip_address);
  if (other !== undefined && other.id !== fip.id)
    throw floatingIpPortAlreadyAssociated(fip, port.id, chosen.ip_address);
  return {
    fixed_port_id: port.id,
    fixed_ip_address: chosen.ip_address,
    router_id: routerId,
    status: 'ACTIVE',
  };
}

/** The router whose interface on the subnet is its gateway address, else the first one. */
async function routerFor(db: Db, portId: string, subnetId: string, externalNetworkId: string) {
  const found = await routersBetween(db, subnetId, externalNetworkId);
  if (found.length === 0) throw externalGatewayForFloatingIpNotFound(externalNetworkId, subnetId, portId);
  const gateway = (await getSubnetRow(db, subnetId))?.gateway_ip;
  return (found.find((r) => r.ip_address === gateway) ?? found[0]!).router_id;
}
