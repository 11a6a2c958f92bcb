import { Type } from 'typebox';
import { cinderBoolean } from '../types/volume-type-schemas.js';
import { resourceMetadata } from '../resource-metadata-schemas.js';

const text = (description: string) =>
  Type.Union([Type.String({ maxLength: 255 }), Type.Null()], { description });

export const snapshotCreateBody = Type.Object(
  {
    snapshot: Type.Object(
      {
        volume_id: Type.String({ description: 'The volume to snapshot.' }),
        name: Type.Optional(text('Snapshot name.')),
        display_name: Type.Optional(text('Old name of `name`.')),
        description: Type.Optional(text('Snapshot description.')),
        force: Type.Optional(cinderBoolean('Snapshot an in-use volume too (crash-consistent).')),
        metadata: Type.Optional(Type.Union([resourceMetadata, Type.Null()])),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const snapshotUpdateBody = Type.Object(
  {
    snapshot: Type.Object(
      {
        name: Type.Optional(text('Snapshot name.')),
        description: Type.Optional(text('Snapshot description.')),
        display_name: Type.Optional(text('Old name of `name`.')),
        display_description: Type.Optional(text('Old name of `description`.')),
      },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
);

/** Cinder's snapshot admin actions: os-reset_status (status required) and os-force_delete. */
export const snapshotActionBody = Type.Union([
  Type.Object(
    {
      'os-reset_status': Type.Object(
        { status: Type.String({ description: 'A snapshot status.' }) },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { 'os-force_delete': Type.Union([Type.Null(), Type.Object({})]) },
    { additionalProperties: false },
  ),
]);
