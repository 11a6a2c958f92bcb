import Type from 'typebox';

const maxInt = 2147483647;
const generation = Type.Integer({
  description: 'The provider generation the caller saw; a stale one is refused with 409.',
});

const fields = {
  total: Type.Integer({
    minimum: 1,
    maximum: maxInt,
    description: 'Amount of the resource the provider has.',
  }),
  reserved: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: maxInt,
      description: 'Amount held back from allocation (default 0).',
    }),
  ),
  min_unit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: maxInt,
      description: 'Smallest amount one allocation may take (default 1).',
    }),
  ),
  max_unit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: maxInt, description: 'Largest amount one allocation may take.' }),
  ),
  step_size: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: maxInt,
      description: 'Allocations must be a multiple of this (default 1).',
    }),
  ),
  allocation_ratio: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: 3.40282e38,
      description: 'Overcommit factor applied to total - reserved.',
    }),
  ),
};

/** One inventory inside PUT /inventories (the generation is on the outer object). */
export const inventoryRecord = Type.Object(
  { ...fields, resource_provider_generation: Type.Optional(generation) },
  { additionalProperties: false, description: 'One resource class of inventory.' },
);

export const inventoriesBody = Type.Object(
  {
    resource_provider_generation: generation,
    inventories: Type.Record(Type.String({ pattern: '^[A-Z0-9_]+$' }), inventoryRecord, {
      additionalProperties: false,
      description: 'Inventories by resource class, replacing every current one.',
    }),
  },
  { additionalProperties: false, description: 'A provider inventory set.' },
);

export const inventoryCreateBody = Type.Object(
  {
    ...fields,
    resource_class: Type.String({ pattern: '^[A-Z0-9_]+$', description: 'The resource class to add.' }),
    resource_provider_generation: Type.Optional(generation),
  },
  { additionalProperties: false, description: 'A new inventory of one resource class.' },
);

export const inventoryUpdateBody = Type.Object(
  { ...fields, resource_provider_generation: generation },
  { additionalProperties: false, description: 'An inventory of one resource class.' },
);

export interface InventoryRecordJson {
  total: number;
  reserved?: number;
  min_unit?: number;
  max_unit?: number;
  step_size?: number;
  allocation_ratio?: number;
}
