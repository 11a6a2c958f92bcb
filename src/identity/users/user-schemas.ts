import Type from 'typebox';
import {
  descriptionString,
  enabledFlag,
  idString,
  nameString,
  nullable,
  wrapped,
} from '../identity-schemas.js';

const properties = {
  name: nameString,
  domain_id: Type.Optional(idString),
  default_project_id: Type.Optional(nullable(idString)),
  description: Type.Optional(nullable(descriptionString)),
  enabled: Type.Optional(enabledFlag),
  password: Type.Optional(nullable(Type.String({ description: 'Initial or new password.' }))),
  options: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'User options.' })),
};

// Keystone stores unknown user attributes (email, ...) as extras.
export const userCreateBody = wrapped('user', Type.Object(properties, { additionalProperties: true }));
export const userUpdateBody = wrapped(
  'user',
  Type.Partial(Type.Object(properties, { additionalProperties: true }), { minProperties: 1 }),
);

/** Self-service password change: Keystone rejects unknown fields here. */
export const passwordChangeBody = wrapped(
  'user',
  Type.Object(
    {
      original_password: Type.String({ description: 'The current password.' }),
      password: Type.String({ description: 'The new password.' }),
    },
    { additionalProperties: false },
  ),
);
