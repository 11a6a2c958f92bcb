import Type from 'typebox';
import { descriptionString, enabledFlag, nameString, nullable, wrapped } from '../identity-schemas.js';

const properties = {
  type: Type.String({ minLength: 1, maxLength: 255, description: "Service type, e.g. 'compute'." }),
  name: Type.Optional(nameString),
  description: Type.Optional(nullable(descriptionString)),
  enabled: Type.Optional(enabledFlag),
};

// Keystone keeps unknown service attributes as extras.
export const serviceEntryCreateBody = wrapped(
  'service',
  Type.Object(properties, { additionalProperties: true }),
);
export const serviceEntryUpdateBody = wrapped(
  'service',
  Type.Partial(Type.Object(properties, { additionalProperties: true }), { minProperties: 1 }),
);
