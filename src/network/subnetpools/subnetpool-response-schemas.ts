import Type from 'typebox';
import { bool, int, nullable, nullableStr, str, strict } from '../../common/http/response-schemas.js';
import {
  createResponse,
  listResponse,
  neutronResource,
  ownerAttributes,
  singleResponse,
  standardAttributes,
} from '../network-response-schemas.js';

/** A subnet pool as Neutron's API reference lists it; the prefix lengths are strings there. */
export const subnetPoolResource = neutronResource({
  id: str,
  name: str,
  ...ownerAttributes,
  prefixes: Type.Array(str),
  default_quota: nullable(int),
  ip_version: int,
  default_prefixlen: str,
  min_prefixlen: str,
  max_prefixlen: str,
  is_default: bool,
  shared: bool,
  address_scope_id: nullableStr,
  ...standardAttributes,
});

export const subnetPoolResponse = singleResponse('subnetpool', subnetPoolResource);
export const subnetPoolListResponse = listResponse('subnetpools', subnetPoolResource);
export const subnetPoolCreateResponse = createResponse('subnetpool', 'subnetpools', subnetPoolResource);

/** `add_prefixes` / `remove_prefixes` answer with the pool's prefixes. */
export const subnetPoolPrefixesResponse = strict({ prefixes: Type.Array(str) });
