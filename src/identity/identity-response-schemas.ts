import type { TProperties } from 'typebox';
import Type from 'typebox';
import { bool, nullableStr, str, strict } from '../common/http/response-schemas.js';

/**
 * Keystone v3's bodies (api-ref "Identity API v3"). Domains, projects, users, regions,
 * services and endpoints keep unknown attributes a client sent and return them beside
 * the core fields, so those objects require their core fields and allow more; the rest
 * are strict.
 */
export function withExtras<T extends TProperties>(props: T) {
  return Type.Object(props, { additionalProperties: true });
}

export const selfLink = strict({ self: str });

/** A collection's `links`: Keystone never pages, so previous and next are null. */
export const collectionLinks = strict({ self: str, previous: nullableStr, next: nullableStr });

const anyMap = Type.Record(Type.String(), Type.Unknown());

export const domainBody = withExtras({
  id: str,
  name: str,
  description: nullableStr,
  enabled: bool,
  tags: Type.Array(str),
  options: anyMap,
  links: selfLink,
});

export const projectBody = withExtras({
  id: str,
  name: str,
  domain_id: str,
  description: nullableStr,
  enabled: bool,
  parent_id: nullableStr,
  is_domain: bool,
  tags: Type.Array(str),
  options: anyMap,
  links: selfLink,
});

export const userBody = withExtras({
  id: str,
  name: str,
  domain_id: str,
  enabled: bool,
  password_expires_at: nullableStr,
  options: anyMap,
  description: Type.Optional(str),
  default_project_id: Type.Optional(str),
  links: selfLink,
});

const groupProps = {
  id: str,
  name: str,
  domain_id: str,
  description: nullableStr,
  links: selfLink,
};
export const groupBody = strict(groupProps);

export const roleBody = strict({
  id: str,
  name: str,
  domain_id: nullableStr,
  description: nullableStr,
  options: anyMap,
  links: selfLink,
});

export const domainResponse = strict({ domain: domainBody });
export const domainListResponse = strict({ domains: Type.Array(domainBody), links: collectionLinks });
export const projectResponse = strict({ project: projectBody });
/** GET and PUT /v3/projects/{id}/tags: the list and a link to itself. */
export const projectTagsResponse = strict({ tags: Type.Array(str), links: selfLink });
export const projectListResponse = strict({ projects: Type.Array(projectBody), links: collectionLinks });
export const userResponse = strict({ user: userBody });
export const userListResponse = strict({ users: Type.Array(userBody), links: collectionLinks });
export const groupResponse = strict({ group: groupBody });
export const groupListResponse = strict({ groups: Type.Array(groupBody), links: collectionLinks });
/** GET /v3/users/{id}/groups adds each membership's expiry. */
export const userGroupListResponse = strict({
  groups: Type.Array(strict({ ...groupProps, membership_expires_at: nullableStr })),
  links: collectionLinks,
});
export const roleResponse = strict({ role: roleBody });
export const roleListResponse = strict({ roles: Type.Array(roleBody), links: collectionLinks });

const version = strict({
  id: str,
  status: str,
  updated: str,
  links: Type.Array(strict({ rel: str, href: str })),
  'media-types': Type.Array(strict({ base: str, type: str })),
});
export const versionResponse = strict({ version });
export const versionsResponse = strict({ versions: strict({ values: Type.Array(version) }) });
