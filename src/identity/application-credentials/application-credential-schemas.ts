import Type from 'typebox';
import { descriptionString, idString, nameString, nullable, wrapped } from '../identity-schemas.js';

// Keystone rejects unknown keys inside role references and access rules.
const roleRef = Type.Object(
  { id: Type.Optional(idString), name: Type.Optional(nameString) },
  {
    minProperties: 1,
    maxProperties: 1,
    additionalProperties: false,
    description: 'A role by id or by name.',
  },
);
const accessRule = Type.Object(
  {
    path: Type.Optional(Type.String({ maxLength: 225, pattern: '^\\/.*' })),
    method: Type.Optional(Type.String({ pattern: '^(POST|GET|HEAD|PATCH|PUT|DELETE)$' })),
    service: Type.Optional(idString),
    id: Type.Optional(idString),
  },
  { additionalProperties: false, description: 'An API call the credential may make.' },
);

export const applicationCredentialCreateBody = wrapped(
  'application_credential',
  Type.Object(
    {
      name: nameString,
      description: Type.Optional(nullable(descriptionString)),
      secret: Type.Optional(nullable(Type.String({ description: 'Secret; generated when absent.' }))),
      expires_at: Type.Optional(nullable(Type.String({ description: 'ISO-8601 expiry.' }))),
      roles: Type.Optional(Type.Array(roleRef, { description: 'Subset of the token roles.' })),
      unrestricted: Type.Optional(Type.Boolean({ description: 'May create other credentials.' })),
      access_rules: Type.Optional(Type.Array(accessRule)),
    },
    { additionalProperties: true },
  ),
);
