import Type from 'typebox';
import { int, str, strict } from '../../common/http/response-schemas.js';
import { listResponse, neutronResource, singleResponse } from '../network-response-schemas.js';

/** Neutron's network IP availability (network-ip-availability extension), per subnet and summed. */
const subnetAvailability = strict({
  subnet_id: str,
  subnet_name: str,
  cidr: str,
  ip_version: int,
  total_ips: int,
  used_ips: int,
});

export const ipAvailabilityResource = neutronResource({
  network_id: str,
  network_name: str,
  tenant_id: str,
  project_id: str,
  total_ips: int,
  used_ips: int,
  subnet_ip_availability: Type.Array(subnetAvailability),
});

export const ipAvailabilityShowResponse = singleResponse('network_ip_availability', ipAvailabilityResource);
export const ipAvailabilityListResponse = listResponse('network_ip_availabilities', ipAvailabilityResource);
