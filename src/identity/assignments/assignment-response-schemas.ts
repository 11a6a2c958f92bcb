import Type from 'typebox';
import { str, strict } from '../../common/http/response-schemas.js';
import { collectionLinks, selfLink } from '../identity-response-schemas.js';

/** Keystone's role assignments and implied roles (api-ref "Roles"). */

// include_names adds the name, and the owning domain of users, groups, projects and domain roles.
const domainRef = strict({ id: str, name: Type.Optional(str) });
const named = strict({ id: str, name: Type.Optional(str), domain: Type.Optional(domainRef) });
const inherited = { 'OS-INHERIT:inherited_to': Type.Optional(Type.Literal('projects')) };

const scope = Type.Union([
  strict({ project: named, ...inherited }),
  strict({ domain: domainRef, ...inherited }),
  strict({ system: strict({ all: Type.Boolean() }) }),
]);

const links = strict({ assignment: str, membership: Type.Optional(str) });

const assignment = Type.Union([
  strict({ role: named, user: named, scope, links }),
  strict({ role: named, group: named, scope, links }),
]);

export const roleAssignmentListResponse = strict({
  role_assignments: Type.Array(assignment),
  links: collectionLinks,
});

const roleRef = strict({ id: str, name: str, links: selfLink });

export const roleInferenceResponse = strict({
  role_inference: strict({ prior_role: roleRef, implies: roleRef }),
  links: selfLink,
});

export const priorRoleInferencesResponse = strict({
  role_inference: strict({ prior_role: roleRef, implies: Type.Array(roleRef) }),
  links: selfLink,
});

export const roleInferenceListResponse = strict({
  role_inferences: Type.Array(strict({ prior_role: roleRef, implies: Type.Array(roleRef) })),
});
