import { bool, int, str } from '../../common/http/response-schemas.js';
import {
  createResponse,
  listResponse,
  neutronResource,
  ownerAttributes,
  singleResponse,
} from '../network-response-schemas.js';

/** An address scope as Neutron's API reference lists it: no standard attributes. */
export const addressScopeResource = neutronResource({
  id: str,
  name: str,
  ...ownerAttributes,
  shared: bool,
  ip_version: int,
});

export const addressScopeResponse = singleResponse('address_scope', addressScopeResource);
export const addressScopeListResponse = listResponse('address_scopes', addressScopeResource);
export const addressScopeCreateResponse = createResponse(
  'address_scope',
  'address_scopes',
  addressScopeResource,
);
