import Type from 'typebox';

const name = Type.String({ minLength: 1, maxLength: 200, description: 'Unique provider name.' });
const parent = Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
  description: 'UUID of the parent provider, or null for a root (1.14+).',
});
const uuid = Type.String({ format: 'uuid', description: 'Provider UUID; generated when omitted.' });

export const providerCreateBody = Type.Object(
  { name, uuid: Type.Optional(uuid) },
  { additionalProperties: false, description: 'A new resource provider.' },
);
export const providerCreateBody114 = Type.Object(
  { name, uuid: Type.Optional(uuid), parent_provider_uuid: Type.Optional(parent) },
  { additionalProperties: false, description: 'A new resource provider, possibly nested (1.14+).' },
);
export const providerUpdateBody = Type.Object(
  { name },
  { additionalProperties: false, description: 'New values for a resource provider.' },
);
export const providerUpdateBody114 = Type.Object(
  { name, parent_provider_uuid: Type.Optional(parent) },
  { additionalProperties: false, description: 'New values for a resource provider (1.14+).' },
);

export interface ProviderBody {
  name: string;
  uuid?: string;
  parent_provider_uuid?: string | null;
}
