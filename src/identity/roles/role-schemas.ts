import Type from 'typebox';
import { descriptionString, idString, nameString, nullable, wrapped } from '../identity-schemas.js';

const properties = {
  name: nameString,
  domain_id: Type.Optional(nullable(idString)),
  description: Type.Optional(nullable(descriptionString)),
  options: Type.Optional(
    Type.Object({}, { additionalProperties: true, description: 'Role options (immutable flag).' }),
  ),
};

export const roleCreateBody = wrapped('role', Type.Object(properties, { additionalProperties: true }));
export const roleUpdateBody = wrapped(
  'role',
  Type.Partial(Type.Object(properties, { additionalProperties: true }), { minProperties: 1 }),
);
