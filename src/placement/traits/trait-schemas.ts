import Type from 'typebox';

export const providerTraitsBody = Type.Object(
  {
    traits: Type.Array(Type.String({ minLength: 1, maxLength: 255, description: 'A trait name.' }), {
      uniqueItems: true,
      description: 'Every trait the provider has, replacing the current set.',
    }),
    resource_provider_generation: Type.Integer({
      description: 'The provider generation the caller saw; a stale one is refused with 409.',
    }),
  },
  { additionalProperties: false, description: 'A resource provider trait set.' },
);
