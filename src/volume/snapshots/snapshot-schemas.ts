import { Type } from 'typebox';
import { cinderBoolean } from '../types/volume-type-schemas.js';

const text = (description: string) =>
  Type.Union([Type.String({ maxLength: 255 }), Type.Null()], { description });
export const snapshotMetadata = Type.Record(
  Type.String({ minLength: 1, maxLength: 255 }),
  Type.String({ maxLength: 255 }),
  { description: 'Key/value pairs about the snapshot.' },
);

export const snapshotCreateBody = Type.Object(
  {
    snapshot: Type.Object(
      {
        volume_id: Type.String({ description: 'The volume to snapshot.' }),
        name: Type.Optional(text('Snapshot name.')),
        display_name: Type.Optional(text('Old name of `name`.')),
        description: Type.Optional(text('Snapshot description.')),
        force: Type.Optional(cinderBoolean('Snapshot an in-use volume too (crash-consistent).')),
        metadata: Type.Optional(Type.Union([snapshotMetadata, Type.Null()])),
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

export const snapshotMetadataBody = Type.Object(
  { metadata: snapshotMetadata },
  { additionalProperties: false },
);
export const snapshotMetaItemBody = Type.Object({ meta: snapshotMetadata }, { additionalProperties: false });
