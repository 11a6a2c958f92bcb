import type { TProperties, TSchema } from 'typebox';
import Type from 'typebox';
import { int, str, strict } from '../common/http/response-schemas.js';
import { extensions } from './discovery/extension-routes.js';

/**
 * Building blocks for Neutron's response bodies. Neutron shows an attribute unless policy
 * hides it from the caller (`provider:*`, `binding:*`) or `fields=` leaves it out, and shows
 * one only when the extension that adds it is loaded.
 */

/** Whether Strata advertises the extension (an attribute it adds is shown only then). */
export function advertised(alias: string): boolean {
  return extensions.some((e) => e.alias === alias);
}

/** The standard attributes (standard-attr-description/-revisions/-timestamp, standard-attr-tag). */
export const standardAttributes = {
  description: str,
  tags: Type.Array(str),
  created_at: str,
  updated_at: str,
  revision_number: int,
};

/** `tenant_id` beside `project_id` (the project-id extension). */
export const ownerAttributes = { tenant_id: str, project_id: str };

/** Neutron's `next`/`previous` page links. */
export const pageLinks = Type.Array(strict({ rel: str, href: str }));

function allOptional(props: TProperties): TProperties {
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, Type.Optional(v)]));
}

export interface NeutronResource {
  /** The resource as a call without `fields=` shows it: `shown` required, `hidden` as policy allows. */
  readonly full: TSchema;
  /** Any subset of its attributes (a `fields=` selection), still no unknown one. */
  readonly selected: TSchema;
}

/**
 * One resource's attributes: `shown` to every caller allowed to see the resource, `hidden`
 * from some callers by policy or shown only on some resources (external networks' `is_default`).
 */
export function neutronResource(shown: TProperties, hidden: TProperties = {}): NeutronResource {
  return {
    full: strict({ ...shown, ...allOptional(hidden) }),
    selected: strict(allOptional({ ...shown, ...hidden })),
  };
}

/**
 * The route's schema. The checker sees the body, not the query, and a `fields=` selection
 * may leave out any attribute, so routes check `selected` (no unknown attribute, right
 * types); API tests check bodies fetched without `fields=` against `full` as well.
 */
export function singleResponse(member: string, r: NeutronResource) {
  return strict({ [member]: r.selected });
}

export function listResponse(collection: string, r: NeutronResource) {
  return strict({ [collection]: Type.Array(r.selected), [`${collection}_links`]: Type.Optional(pageLinks) });
}

/** A create's answer: the one resource, or the list a bulk create (`{"ports": [...]}`) made. */
export function createResponse(member: string, collection: string, r: NeutronResource) {
  return Type.Union([singleResponse(member, r), strict({ [collection]: Type.Array(r.selected) })]);
}
