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
