import Type from 'typebox';
import { bool, nullableStr, str, strict } from '../../common/http/response-schemas.js';
import { collectionLinks, selfLink, withExtras } from '../identity-response-schemas.js';

/** Keystone's regions, services, endpoints and the catalog a token carries (api-ref "Service catalog and endpoints"). */

const region = withExtras({
  id: str,
  description: nullableStr,
  parent_region_id: nullableStr,
  links: selfLink,
});
const service = withExtras({
  id: str,
  type: str,
  name: Type.Optional(str),
  description: Type.Optional(nullableStr),
  enabled: bool,
  links: selfLink,
});
const endpoint = withExtras({
  id: str,
  interface: Type.Union([Type.Literal('public'), Type.Literal('internal'), Type.Literal('admin')]),
  // `region` repeats region_id for clients written before regions had ids.
  region: nullableStr,
  region_id: nullableStr,
  service_id: str,
  url: str,
  enabled: bool,
  links: selfLink,
});

export const regionResponse = strict({ region });
export const regionListResponse = strict({ regions: Type.Array(region), links: collectionLinks });
export const serviceResponse = strict({ service });
export const serviceListResponse = strict({ services: Type.Array(service), links: collectionLinks });
export const endpointResponse = strict({ endpoint });
export const endpointListResponse = strict({ endpoints: Type.Array(endpoint), links: collectionLinks });

/** One service of a token's catalog, with its endpoints. */
export const catalogEntry = strict({
  id: str,
  type: str,
  name: str,
  endpoints: Type.Array(
    strict({ id: str, interface: str, region: nullableStr, region_id: nullableStr, url: str }),
  ),
});

export const authCatalogResponse = strict({ catalog: Type.Array(catalogEntry), links: selfLink });
