import Type from 'typebox';

/** The placement rules a group can ask for; 2.1 answers them as a one-item `policies` list. */
export const serverGroupPolicies = [
  'affinity',
  'anti-affinity',
  'soft-affinity',
  'soft-anti-affinity',
] as const;
export type ServerGroupPolicy = (typeof serverGroupPolicies)[number];

export const serverGroupCreateBody = Type.Object(
  {
    server_group: Type.Object(
      {
        name: Type.String({
          minLength: 1,
          maxLength: 255,
          pattern: '^(?!\\s)[^\\x00-\\x1F\\x7F]*(?<!\\s)$',
          description: 'Group name (printable, no leading or trailing whitespace).',
        }),
        policies: Type.Array(
          Type.Union(
            serverGroupPolicies.map((p) => Type.Literal(p)),
            { description: 'A placement policy.' },
          ),
          {
            minItems: 1,
            maxItems: 1,
            uniqueItems: true,
            description: 'Exactly one policy: affinity, anti-affinity, soft-affinity or soft-anti-affinity.',
          },
        ),
      },
      { additionalProperties: false, description: 'The server group to create.' },
    ),
  },
  { additionalProperties: false, description: "Request body with a 'server_group' object." },
);

export const serverGroupListQuery = Type.Object(
  {
    all_projects: Type.Optional(
      Type.String({ description: "Admin only: list every project's groups (any value)." }),
    ),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]+$', description: 'Page size (at most 1000).' })),
    offset: Type.Optional(Type.String({ pattern: '^[0-9]+$', description: 'Groups to skip.' })),
  },
  { additionalProperties: true },
);
