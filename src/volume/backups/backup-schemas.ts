import { Type } from 'typebox';
import { cinderBoolean } from '../types/volume-type-schemas.js';

const text = (description: string) =>
  Type.Union([Type.String({ maxLength: 255 }), Type.Null()], { description });
const uuidOrNull = (description: string) =>
  Type.Union([Type.String({ minLength: 1, maxLength: 36 }), Type.Null()], { description });
export const backupMetadata = Type.Record(
  Type.String({ minLength: 1, maxLength: 255 }),
  Type.String({ maxLength: 255 }),
  { description: 'Key/value pairs about the backup (3.43).' },
);

/** Cinder's backups.create (metadata from 3.43, availability_zone from 3.51; checked in the route). */
export const backupCreateBody = Type.Object(
  {
    backup: Type.Object(
      {
        volume_id: Type.String({ minLength: 1, maxLength: 36, description: 'The volume to back up.' }),
        container: Type.Optional(text('A label for where the backup is kept.')),
        name: Type.Optional(text('Backup name.')),
        description: Type.Optional(text('Backup description.')),
        incremental: Type.Optional(cinderBoolean('Store only the chunks changed since the latest backup.')),
        force: Type.Optional(cinderBoolean('Back up an in-use volume too (crash-consistent).')),
        snapshot_id: Type.Optional(uuidOrNull('Back up this snapshot of the volume instead.')),
        metadata: Type.Optional(Type.Union([backupMetadata, Type.Null()])),
        availability_zone: Type.Optional(text('The backup availability zone (3.51).')),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const backupUpdateBody = Type.Object(
  {
    backup: Type.Object(
      {
        name: Type.Optional(text('Backup name.')),
        description: Type.Optional(text('Backup description.')),
        metadata: Type.Optional(backupMetadata),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const backupRestoreBody = Type.Object(
  {
    restore: Type.Union([
      Type.Object(
        {
          name: Type.Optional(text('Name of the new volume.')),
          volume_id: Type.Optional(uuidOrNull('The volume to overwrite; a new one when absent.')),
        },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
);

/** Backup admin actions: os-reset_status and os-force_delete. */
export const backupActionBody = Type.Union([
  Type.Object(
    {
      'os-reset_status': Type.Object(
        { status: Type.String({ description: 'available or error.' }) },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { 'os-force_delete': Type.Union([Type.Object({}), Type.Null()]) },
    { additionalProperties: false },
  ),
]);
