import Type from 'typebox';
import { enabledFlag, wrapped } from '../identity-schemas.js';

const properties = {
  interface: Type.Enum(['admin', 'internal', 'public'], { description: 'Who the URL is for.' }),
  service_id: Type.String({ description: 'The catalog service this endpoint belongs to.' }),
  url: Type.String({
    maxLength: 225,
    pattern: '^[a-zA-Z0-9+.-]+:.+',
    description: 'Endpoint URL; may contain $(project_id)s style substitutions.',
  }),
  region_id: Type.Optional(Type.String({ description: 'Region of the endpoint.' })),
  region: Type.Optional(
    Type.String({ description: 'Deprecated spelling of region_id; creates the region.' }),
  ),
  enabled: Type.Optional(enabledFlag),
};

// Keystone keeps unknown endpoint attributes as extras.
export const endpointCreateBody = wrapped(
  'endpoint',
  Type.Object(properties, { additionalProperties: true }),
);
export const endpointUpdateBody = wrapped(
  'endpoint',
  Type.Partial(Type.Object(properties, { additionalProperties: true }), { minProperties: 1 }),
);
