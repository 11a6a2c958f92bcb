import Type from 'typebox';
import { descriptionString, idString, nameString, nullable, wrapped } from '../identity-schemas.js';

const properties = {
  name: nameString,
  description: Type.Optional(nullable(descriptionString)),
  domain_id: Type.Optional(idString),
};

// Keystone accepts unknown group attributes; Strata's groups table has no column for them.
export const groupCreateBody = wrapped('group', Type.Object(properties, { additionalProperties: true }));
export const groupUpdateBody = wrapped(
  'group',
  Type.Partial(Type.Object(properties, { additionalProperties: true }), { minProperties: 1 }),
);
