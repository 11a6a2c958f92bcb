import Type from 'typebox';

const maxInt = 0x7fffffff;

/** Nova's `name`: printable, 1–255 characters, no leading or trailing whitespace. */
const flavorName = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^(?!\\s)[^\\x00-\\x1F\\x7F]*(?<!\\s)$',
  description: 'Flavor name, unique across the cloud.',
});

// Nova accepts sizes as integers or digit strings (its `flavor_param_*` types).
const size = (minimum: number, description: string) =>
  Type.Union(
    [Type.Integer({ minimum, maximum: maxInt }), Type.String({ pattern: '^[0-9]+$', minLength: 1 })],
    { description },
  );

/** oslo's accepted spellings of a boolean, as Nova's `parameter_types.boolean`. */
export const novaBoolean = Type.Union(
  [
    Type.Boolean(),
    Type.Union(
      ['True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes'].map((v) => Type.Literal(v)),
    ),
    Type.Union(
      ['False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'].map((v) => Type.Literal(v)),
    ),
  ],
  { description: 'A boolean, or one of its string spellings (true/false, yes/no, on/off, 1/0).' },
);

/** 2.55: free text without control characters (Nova's description pattern), or null. */
const flavorDescription = Type.Union(
  [Type.String({ maxLength: 65535, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$' }), Type.Null()],
  { description: 'Flavor description (microversion 2.55).' },
);

export const flavorCreateBody = Type.Object(
  {
    flavor: Type.Object(
      {
        name: flavorName,
        id: Type.Optional(
          Type.Union(
            [
              Type.String({ minLength: 1, maxLength: 255, pattern: '^(?! )[a-zA-Z0-9. _-]+(?<! )$' }),
              Type.Number(),
              Type.Null(),
            ],
            { description: "Flavor id; omitted, null or 'auto' generates a UUID." },
          ),
        ),
        ram: size(1, 'Memory in MiB.'),
        vcpus: size(1, 'Number of virtual CPUs.'),
        disk: size(0, 'Root disk size in GiB (0: the image size).'),
        'OS-FLV-EXT-DATA:ephemeral': Type.Optional(size(0, 'Ephemeral disk size in GiB.')),
        swap: Type.Optional(size(0, 'Swap size in MiB.')),
        rxtx_factor: Type.Optional(
          Type.Union(
            [
              Type.Number({ exclusiveMinimum: 0, maximum: 3.40282e38 }),
              Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?$' }),
            ],
            { description: 'Receive/transmit factor, a positive number.' },
          ),
        ),
        'os-flavor-access:is_public': Type.Optional(novaBoolean),
        description: Type.Optional(flavorDescription),
      },
      { additionalProperties: false, description: 'The flavor to create.' },
    ),
  },
  { additionalProperties: false, description: "Request body with a 'flavor' object." },
);

/** 2.55: the description is the only thing a flavor's update may change, so it is required. */
export const flavorUpdateBody = Type.Object(
  {
    flavor: Type.Object(
      { description: flavorDescription },
      { additionalProperties: false, description: 'The new description.' },
    ),
  },
  { additionalProperties: false, description: "Request body with a 'flavor' object." },
);

const sortKeys = [
  'created_at',
  'description',
  'disabled',
  'ephemeral_gb',
  'flavorid',
  'id',
  'is_public',
  'memory_mb',
  'name',
  'root_gb',
  'rxtx_factor',
  'swap',
  'updated_at',
  'vcpu_weight',
  'vcpus',
] as const;
export type FlavorSortKey = (typeof sortKeys)[number];

// Query values arrive as strings; unknown parameters are ignored, as Nova does before 2.75.
export const flavorListQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^[0-9]+$', description: 'Page size (at most 1000).' })),
    marker: Type.Optional(Type.String({ description: 'Id of the last flavor of the previous page.' })),
    is_public: Type.Optional(
      Type.String({ description: "Admin only: 'true' (default), 'false' or 'none' (all flavors)." }),
    ),
    minRam: Type.Optional(Type.String({ description: 'Only flavors with at least this much RAM (MiB).' })),
    minDisk: Type.Optional(Type.String({ description: 'Only flavors with at least this much disk (GiB).' })),
    sort_key: Type.Optional(
      Type.Union(
        sortKeys.map((k) => Type.Literal(k)),
        { description: 'Attribute to sort by (default flavorid).' },
      ),
    ),
    sort_dir: Type.Optional(
      Type.Union([Type.Literal('asc'), Type.Literal('desc')], { description: 'Sort direction.' }),
    ),
  },
  { additionalProperties: true },
);

const specKey = Type.String({ pattern: '^[a-zA-Z0-9-_:. ]{1,255}$', description: 'Extra spec key.' });
const specValue = Type.Union([Type.String({ maxLength: 255 }), Type.Number()], {
  description: 'Extra spec value (numbers are stored as text).',
});

export const extraSpecsCreateBody = Type.Object(
  {
    extra_specs: Type.Record(specKey, specValue, {
      additionalProperties: false,
      description: 'Extra specs to add or replace.',
    }),
  },
  { additionalProperties: false, description: "Request body with an 'extra_specs' object." },
);

export const extraSpecUpdateBody = Type.Record(specKey, specValue, {
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  description: 'One extra spec, keyed as in the URL.',
});

const tenant = Type.Object(
  { tenant: Type.String({ minLength: 1, maxLength: 255, description: 'Project id.' }) },
  { additionalProperties: false, description: 'The project to grant or revoke.' },
);

export const flavorActionBody = Type.Object(
  { addTenantAccess: Type.Optional(tenant), removeTenantAccess: Type.Optional(tenant) },
  {
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    description: 'Exactly one flavor action: addTenantAccess or removeTenantAccess.',
  },
);
