import Type from 'typebox';
import { azNameFormat, nameFormat, spacedNameFormat } from '../../common/http/name-format.js';

const zone = Type.Union([Type.String({ format: azNameFormat, minLength: 1, maxLength: 255 }), Type.Null()], {
  description: 'Availability zone of the aggregate\'s hosts (printable, no ":"); null for none.',
});

const host = Type.String({
  pattern: '^[a-zA-Z0-9-._]*$',
  minLength: 1,
  maxLength: 255,
  description: 'A compute host name (the service host, as os-services lists it).',
});

export const aggregateCreateBody = Type.Object(
  {
    aggregate: Type.Object(
      {
        name: Type.String({ format: nameFormat, minLength: 1, maxLength: 255, description: 'Unique name.' }),
        availability_zone: Type.Optional(zone),
      },
      { additionalProperties: false, description: 'The aggregate to create.' },
    ),
  },
  { additionalProperties: false, description: "Request body with an 'aggregate' object." },
);

export const aggregateUpdateBody = Type.Object(
  {
    aggregate: Type.Object(
      {
        name: Type.Optional(
          Type.String({
            format: spacedNameFormat,
            minLength: 1,
            maxLength: 255,
            description: 'New name (surrounding blanks are stripped).',
          }),
        ),
        availability_zone: Type.Optional(zone),
      },
      {
        additionalProperties: false,
        anyOf: [{ required: ['name'] }, { required: ['availability_zone'] }],
        description: 'A new name, a new zone, or both.',
      },
    ),
  },
  { additionalProperties: false, description: "Request body with an 'aggregate' object." },
);

const hostAction = <K extends string>(key: K, what: string) =>
  Type.Object(
    {
      [key]: Type.Object(
        { host: host },
        { additionalProperties: false, description: `The host to ${what}.` },
      ),
    } as Record<K, ReturnType<typeof Type.Object<{ host: typeof host }>>>,
    { additionalProperties: false },
  );

export const addHostBody = hostAction('add_host', 'add');
export const removeHostBody = hostAction('remove_host', 'remove');

export const setMetadataBody = Type.Object(
  {
    set_metadata: Type.Object(
      {
        metadata: Type.Object(
          {},
          {
            patternProperties: {
              '^[a-zA-Z0-9-_:. ]{1,255}$': Type.Union([Type.String({ maxLength: 255 }), Type.Null()]),
            },
            additionalProperties: false,
            description: 'Keys to set; a null value removes the key. availability_zone moves the hosts.',
          },
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, description: "Request body with a 'set_metadata' object." },
);
