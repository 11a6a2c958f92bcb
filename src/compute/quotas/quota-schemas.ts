import Type from 'typebox';
import type { TSchema } from 'typebox';
import { quotaResources } from './quota-resources.js';

// -1 means unlimited; strings of digits are accepted as Nova accepts them.
export const limit = (name: string) =>
  Type.Union([Type.Integer({ minimum: -1, maximum: 0x7fffffff }), Type.String({ pattern: '^-?[0-9]+$' })], {
    description: `New limit for ${name} (-1: unlimited).`,
  });

const resourceFields: Record<string, TSchema> = Object.fromEntries(
  quotaResources.map((r) => [r, Type.Optional(limit(r))]),
);

export const quotaUpdateBody = Type.Object(
  {
    quota_set: Type.Object(
      {
        ...resourceFields,
        networks: Type.Optional(limit('networks (removed with nova-network; always refused)')),
        force: Type.Optional(
          Type.Union([Type.Boolean(), Type.String()], {
            description: 'Set limits even below current usage.',
          }),
        ),
      },
      { additionalProperties: false, description: 'Limits to set; others are unchanged.' },
    ),
  },
  { additionalProperties: false, description: "Request body with a 'quota_set' object." },
);

export const quotaQuery = Type.Object(
  {
    user_id: Type.Optional(
      Type.String({ description: 'Per-user quotas; Strata keeps project quotas only.' }),
    ),
  },
  { additionalProperties: true },
);

export const limitsQuery = Type.Object(
  { tenant_id: Type.Optional(Type.String({ description: 'Admin only: another project to report on.' })) },
  { additionalProperties: true },
);
