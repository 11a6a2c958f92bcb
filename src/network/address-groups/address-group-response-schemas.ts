import Type from 'typebox';
import { str } from '../../common/http/response-schemas.js';
import {
  createResponse,
  listResponse,
  neutronResource,
  ownerAttributes,
  singleResponse,
} from '../network-response-schemas.js';

/**
 * An address group as Neutron's API reference lists it: `description` is its own attribute;
 * the other standard attributes are not shown (the model's api_collections names the alias).
 */
export const addressGroupResource = neutronResource({
  id: str,
  name: str,
  description: str,
  ...ownerAttributes,
  addresses: Type.Array(str),
});

export const addressGroupResponse = singleResponse('address_group', addressGroupResource);
export const addressGroupListResponse = listResponse('address_groups', addressGroupResource);
export const addressGroupCreateResponse = createResponse(
  'address_group',
  'address_groups',
  addressGroupResource,
);
