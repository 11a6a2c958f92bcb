import Type from 'typebox';
import { putAllocationSchemas } from '../allocations/allocation-schemas.js';
import { inventoryRecord } from '../inventories/inventory-schemas.js';

const uuidKey = Type.String({ pattern: '^[0-9a-fA-F-]{36}$' });

const inventories = Type.Record(
  uuidKey,
  Type.Object(
    {
      resource_provider_generation: Type.Integer({ description: 'The provider generation the caller saw.' }),
      inventories: Type.Record(Type.String({ pattern: '^[A-Z0-9_]+$' }), inventoryRecord, {
        additionalProperties: false,
        description: "The provider's complete new inventory.",
      }),
    },
    { additionalProperties: false },
  ),
  { additionalProperties: false, description: 'New inventories keyed by provider UUID.' },
);

const body = (allocation: (typeof putAllocationSchemas)[number][1]) =>
  Type.Object(
    {
      inventories,
      allocations: Type.Record(uuidKey, allocation, {
        additionalProperties: false,
        description: 'New allocation sets keyed by consumer UUID.',
      }),
    },
    { additionalProperties: false, description: 'An atomic move of inventories and allocations.' },
  );

/** POST /reshaper (1.30+); allocations take the PUT /allocations form of the same microversion. */
export const reshaperSchemas = [
  [30, body(putAllocationSchemas[3][1])],
  [34, body(putAllocationSchemas[4][1])],
  [38, body(putAllocationSchemas[5][1])],
] as const;
