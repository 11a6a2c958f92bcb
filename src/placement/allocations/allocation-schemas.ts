import Type from 'typebox';
import type { TSchema } from 'typebox';

const rcPattern = '^[A-Z0-9_]+$';
const uuidPattern = '^[0-9a-fA-F-]{36}$';

const resources = Type.Record(
  Type.String({ pattern: rcPattern }),
  Type.Integer({ minimum: 1, description: 'Amount of the resource class.' }),
  { additionalProperties: false, minProperties: 1, description: 'Amounts by resource class.' },
);
const projectId = Type.String({ minLength: 1, maxLength: 255, description: 'Project owning the consumer.' });
const userId = Type.String({ minLength: 1, maxLength: 255, description: 'User owning the consumer.' });
const consumerGeneration = Type.Union([Type.Integer(), Type.Null()], {
  description: 'The consumer generation the caller saw; null for a new consumer (1.28+).',
});
const consumerType = Type.String({
  pattern: rcPattern,
  minLength: 1,
  maxLength: 255,
  description: 'Consumer type, e.g. INSTANCE or MIGRATION (1.38+).',
});
const mappings = Type.Record(
  Type.String({ pattern: '^[a-zA-Z0-9_-]{0,64}$' }),
  Type.Array(Type.String({ format: 'uuid' }), { minItems: 1 }),
  { minProperties: 1, description: 'Which providers satisfied which request group (1.34+); informational.' },
);

/** Before 1.12: a list of `{resource_provider: {uuid}, resources}`. */
const listForm = Type.Array(
  Type.Object(
    {
      resource_provider: Type.Object(
        { uuid: Type.String({ format: 'uuid', description: 'Provider UUID.' }) },
        { additionalProperties: false, description: 'The provider allocated from.' },
      ),
      resources,
    },
    { additionalProperties: false },
  ),
  { minItems: 1, description: 'Allocations, one per provider.' },
);

/** From 1.12: a map of provider UUID to `{resources, generation?}`. */
const dictForm = (minProperties: number) =>
  Type.Record(
    Type.String({ pattern: uuidPattern }),
    Type.Object(
      {
        resources,
        generation: Type.Optional(Type.Integer({ description: 'Ignored, as Placement ignores it.' })),
      },
      { additionalProperties: false },
    ),
    { additionalProperties: false, minProperties, description: 'Allocations keyed by provider UUID.' },
  );

const object = (props: Record<string, TSchema>) =>
  Type.Object(props, { additionalProperties: false, description: 'A consumer allocation set.' });

/** PUT /allocations/{consumer_uuid} bodies by the microversion that introduced them. */
export const putAllocationSchemas = [
  [0, object({ allocations: listForm })],
  [8, object({ allocations: listForm, project_id: projectId, user_id: userId })],
  [12, object({ allocations: dictForm(1), project_id: projectId, user_id: userId })],
  [
    28,
    object({
      allocations: dictForm(0),
      project_id: projectId,
      user_id: userId,
      consumer_generation: consumerGeneration,
    }),
  ],
  [
    34,
    object({
      allocations: dictForm(0),
      project_id: projectId,
      user_id: userId,
      consumer_generation: consumerGeneration,
      mappings: Type.Optional(mappings),
    }),
  ],
  [
    38,
    object({
      allocations: dictForm(0),
      project_id: projectId,
      user_id: userId,
      consumer_generation: consumerGeneration,
      mappings: Type.Optional(mappings),
      consumer_type: consumerType,
    }),
  ],
] as const;

const byConsumer = (inner: TSchema) =>
  Type.Record(Type.String({ pattern: uuidPattern }), inner, {
    additionalProperties: false,
    minProperties: 1,
    description: 'Allocation sets keyed by consumer UUID.',
  });

/** POST /allocations (1.13+): several consumers at once; an empty set deletes. */
export const postAllocationSchemas = [
  [13, byConsumer(object({ allocations: dictForm(0), project_id: projectId, user_id: userId }))],
  [28, byConsumer(putAllocationSchemas[3][1])],
  [34, byConsumer(putAllocationSchemas[4][1])],
  [38, byConsumer(putAllocationSchemas[5][1])],
] as const;

export interface AllocationBodyJson {
  allocations:
    | Array<{ resource_provider: { uuid: string }; resources: Record<string, number> }>
    | Record<string, { resources: Record<string, number>; generation?: number }>;
  project_id?: string;
  user_id?: string;
  consumer_generation?: number | null;
  consumer_type?: string;
}
