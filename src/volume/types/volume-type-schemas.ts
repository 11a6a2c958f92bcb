import { Type } from 'typebox';

const trueWords = [
  true,
  'True',
  'TRUE',
  'true',
  '1',
  'ON',
  'On',
  'on',
  'YES',
  'Yes',
  'yes',
  'y',
  't',
] as const;
const falseWords = [
  false,
  'False',
  'FALSE',
  'false',
  '0',
  'OFF',
  'Off',
  'off',
  'NO',
  'No',
  'no',
  'n',
  'f',
] as const;

/** Cinder's parameter_types.boolean: a boolean or one of oslo's boolean words. */
export const cinderBoolean = (description: string) =>
  Type.Union(
    [...trueWords, ...falseWords].map((w) => Type.Literal(w)),
    { description },
  );

export function parseCinderBoolean(v: boolean | string): boolean {
  return (trueWords as ReadonlyArray<boolean | string>).includes(v);
}

const description = Type.Union([Type.String({ maxLength: 255 }), Type.Null()], {
  description: 'Free text about the type.',
});

const specValue = Type.Union([Type.String({ maxLength: 255 }), Type.Null()]);

/** Extra specs on create: keys may hold spaces and slashes. */
const createSpecs = Type.Record(Type.String({ pattern: '^[a-zA-Z0-9-_:. /]{1,255}$' }), specValue, {
  additionalProperties: false,
  description: 'Key/value pairs the backend reads (e.g. multiattach: "<is> True").',
});

/** Extra specs set on an existing type: no spaces in keys. */
export const extraSpecsObject = Type.Record(Type.String({ pattern: '^[a-zA-Z0-9-_:.]{1,255}$' }), specValue, {
  additionalProperties: false,
  description: 'Extra specs to add or change.',
});

export const volumeTypeCreateBody = Type.Object(
  {
    volume_type: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 255, description: 'Unique name of the type.' }),
        description: Type.Optional(description),
        extra_specs: Type.Optional(createSpecs),
        'os-volume-type-access:is_public': Type.Optional(cinderBoolean('Public (default) or private.')),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const volumeTypeUpdateBody = Type.Object(
  {
    volume_type: Type.Object(
      {
        name: Type.Optional(
          Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Null()], {
            description: 'New name.',
          }),
        ),
        description: Type.Optional(description),
        is_public: Type.Optional(cinderBoolean('Public or private.')),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const extraSpecsCreateBody = Type.Object(
  { extra_specs: extraSpecsObject },
  { additionalProperties: false },
);

export const extraSpecUpdateBody = Type.Record(
  Type.String({ pattern: '^[a-zA-Z0-9-_:.]{1,255}$' }),
  specValue,
  {
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    description: 'One key (the one in the URL) and its value.',
  },
);

/** Cinder's uuid format (oslo is_uuid_like): dashes optional. */
const uuidLike = '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$';

const project = (description: string) =>
  Type.Object({ project: Type.String({ pattern: uuidLike, description }) }, { additionalProperties: false });

export const volumeTypeActionBody = Type.Union([
  Type.Object({ addProjectAccess: project('The project given access.') }, { additionalProperties: false }),
  Type.Object(
    { removeProjectAccess: project('The project losing access.') },
    { additionalProperties: false },
  ),
]);
