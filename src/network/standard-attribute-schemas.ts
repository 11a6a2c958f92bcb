import type { TObject, TSchema } from 'typebox';
import Type from 'typebox';
import { int, links, str } from '../common/http/response-schemas.js';

/**
 * The fields Neutron's standard attributes add to a resource, as Strata advertises them:
 * standard-attr-description, -revisions, -timestamp, and the owner (project-id keeps `tenant_id`).
 */
export const ownerFields = { tenant_id: str, project_id: str };

export const standardAttributeFields = {
  description: str,
  created_at: str,
  updated_at: str,
  revision_number: int,
};

/** standard-attr-tag, on the resources Strata tags (security groups, routers, floating IPs). */
export const tagFields = { tags: Type.Array(str) };

/** `<collection>_links` from the pagination extension, sent only when there is another page. */
export const pageLinks = Type.Optional(links);

/** A Neutron resource's body as shown without `fields=`, and as any `fields=` selection of it. */
export interface SelectableResource {
  /** Every attribute the caller may see; the always-shown ones required. */
  readonly full: TObject;
  /** A subset of those attributes, never an unknown one. */
  readonly selected: TObject;
}

/**
 * The checker sees the body, not the query, and `fields=` may leave out any attribute, so
 * routes declare `selected`; the API tests check bodies fetched without `fields=` against `full`.
 */
export function selectable(full: TObject): SelectableResource {
  const optional = Object.fromEntries(
    Object.entries(full.properties).map(([k, v]) => [k, Type.Optional(v as TSchema)]),
  );
  return { full, selected: Type.Object(optional, { additionalProperties: false }) };
}
