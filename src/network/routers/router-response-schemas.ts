import Type from 'typebox';
import { bool, nullable, str, strict } from '../../common/http/response-schemas.js';
import {
  listResponse,
  neutronResource,
  ownerAttributes,
  singleResponse,
  standardAttributes,
} from '../network-response-schemas.js';

/**
 * Neutron's router bodies (api-ref "Routers") with router, ext-gw-mode and extraroute.
 * Not advertised, so never sent: `distributed` (dvr), `ha` (l3-ha), `availability_zone_hints`
 * and `availability_zones` (router_availability_zone), `flavor_id` (l3-flavors),
 * `external_gateways` (external-gateway-multihoming).
 */
const gatewayInfo = strict({
  network_id: str,
  // ext-gw-mode
  enable_snat: bool,
  external_fixed_ips: Type.Array(strict({ subnet_id: str, ip_address: str })),
});

export const routerResource = neutronResource({
  id: str,
  name: str,
  ...ownerAttributes,
  admin_state_up: bool,
  status: str,
  external_gateway_info: nullable(gatewayInfo),
  // extraroute
  routes: Type.Array(strict({ destination: str, nexthop: str })),
  ...standardAttributes,
});

export const routerResponse = singleResponse('router', routerResource);
export const routerListResponse = listResponse('routers', routerResource);

/** add_router_interface / remove_router_interface: the interface, not the router. */
export const routerInterfaceResponse = strict({
  id: str,
  ...ownerAttributes,
  port_id: str,
  network_id: str,
  // The last subnet added to the port (deprecated by IPv6 multi-prefix), and all of them.
  subnet_id: str,
  subnet_ids: Type.Array(str),
});
