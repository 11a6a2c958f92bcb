import Type from 'typebox';
import {
  descriptionString,
  enabledFlag,
  idString,
  projectNameString,
  nullable,
  wrapped,
} from '../identity-schemas.js';

const properties = {
  name: projectNameString,
  description: Type.Optional(nullable(descriptionString)),
  enabled: Type.Optional(enabledFlag),
  explicit_domain_id: Type.Optional(idString),
  tags: Type.Optional(Type.Array(Type.String(), { description: 'Tags (accepted, not stored).' })),
  options: Type.Optional(Type.Object({}, { description: 'Resource options.' })),
};

export const domainCreateBody = wrapped('domain', Type.Object(properties, { additionalProperties: true }));
export const domainUpdateBody = wrapped(
  'domain',
  Type.Partial(Type.Object(properties, { additionalProperties: true }), { minProperties: 1 }),
);
