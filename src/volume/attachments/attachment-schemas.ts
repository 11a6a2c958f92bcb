import { Type } from 'typebox';

/** oslo's is_uuid_like: dashes optional. */
const uuidLike = '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$';

const connector = Type.Record(Type.String(), Type.Unknown(), {
  description: "The consumer's connector: host, ip, initiator, mountpoint, mode ('rw' or 'ro')…",
});

/** Cinder's attachment create schema; `mode` from 3.54 (checked in the handler). */
export const attachmentCreateBody = Type.Object(
  {
    attachment: Type.Object(
      {
        volume_uuid: Type.String({ pattern: uuidLike, description: 'The volume to attach.' }),
        instance_uuid: Type.Optional(
          Type.Union([Type.String({ pattern: uuidLike }), Type.Null()], {
            description: 'The server (or other consumer) the volume is for.',
          }),
        ),
        connector: Type.Optional(Type.Union([connector, Type.Null()])),
        mode: Type.Optional(Type.Union([Type.Literal('rw'), Type.Literal('ro')], { description: '3.54.' })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const attachmentUpdateBody = Type.Object(
  {
    attachment: Type.Object({ connector }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export const attachmentActionBody = Type.Object(
  { 'os-complete': Type.Union([Type.Null(), Type.Object({})]) },
  { additionalProperties: false },
);
