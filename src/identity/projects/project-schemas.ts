import Type from 'typebox';
import {
  descriptionString,
  enabledFlag,
  idString,
  projectNameString,
  nullable,
  wrapped,
} from '../identity-schemas.js';

const tag = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^,/]*$', description: 'A project tag.' });
const tagList = Type.Array(tag, { maxItems: 80, uniqueItems: true, description: 'Tags on the project.' });
const properties = {
  name: projectNameString,
  description: Type.Optional(nullable(descriptionString)),
  domain_id: Type.Optional(nullable(idString)),
  parent_id: Type.Optional(nullable(idString)),
  enabled: Type.Optional(enabledFlag),
  is_domain: Type.Optional(
    Type.Boolean({ description: 'Strata keeps domains separate; only false is accepted.' }),
  ),
  tags: Type.Optional(tagList),
  options: Type.Optional(Type.Object({}, { description: 'Resource options.' })),
};

// Keystone keeps unknown project attributes as extras, so additional properties are allowed.
export const projectCreateBody = wrapped('project', Type.Object(properties, { additionalProperties: true }));
export const projectUpdateBody = wrapped(
  'project',
  Type.Partial(Type.Object(properties, { additionalProperties: true }), { minProperties: 1 }),
);

/** PUT /v3/projects/{id}/tags: the project's whole new tag list. */
export const projectTagsBody = Type.Object(
  { tags: tagList },
  { description: "Request body with a 'tags' list." },
);
