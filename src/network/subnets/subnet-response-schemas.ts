import Type from 'typebox';
import { bool, int, nullableStr, str, strict } from '../../common/http/response-schemas.js';
import {
  advertised,
  createResponse,
  listResponse,
  neutronResource,
  ownerAttributes,
  singleResponse,
  standardAttributes,
} from '../network-response-schemas.js';

/** A subnet as Neutron's API reference lists it (subnet_allocation, subnet-service-types). */
export const subnetResource = neutronResource({
  id: str,
  name: str,
  ...ownerAttributes,
  network_id: str,
  ip_version: int,
  subnetpool_id: nullableStr,
  enable_dhcp: bool,
  ipv6_ra_mode: nullableStr,
  ipv6_address_mode: nullableStr,
  gateway_ip: nullableStr,
  cidr: str,
  allocation_pools: Type.Array(strict({ start: str, end: str })),
  host_routes: Type.Array(strict({ destination: str, nexthop: str })),
  dns_nameservers: Type.Array(str),
  service_types: Type.Array(str),
  ...standardAttributes,
  // Routed networks add it; this cloud has none.
  ...(advertised('segment') && { segment_id: nullableStr }),
});

export const subnetResponse = singleResponse('subnet', subnetResource);
export const subnetCreateResponse = createResponse('subnet', 'subnets', subnetResource);
export const subnetListResponse = listResponse('subnets', subnetResource);
