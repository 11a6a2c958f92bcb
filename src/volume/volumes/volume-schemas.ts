import { resourceMetadata } from '../resource-metadata-schemas.js';
import { cinderBoolean } from '../types/volume-type-schemas.js';
import type { TSchema } from 'typebox';
import { Type } from 'typebox';

/** oslo's is_uuid_like: dashes optional. */
const uuidLike = '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$';

/** The volume keys Cinder's create schema knows; others are refused from 3.53 (additionalProperties). */
export const volumeCreateKeys = [
  'name',
  'description',
  'display_name',
  'display_description',
  'volume_type',
  'metadata',
  'snapshot_id',
  'source_volid',
  'consistencygroup_id',
  'size',
  'availability_zone',
  'multiattach',
  'image_id',
  'imageRef',
  'group_id',
  'backup_id',
];

const nullableText = (description: string) =>
  Type.Union([Type.String({ maxLength: 255 }), Type.Null()], { description });
const metadata = resourceMetadata;

export const volumeCreateBody = Type.Object(
  {
    volume: Type.Object(
      {
        size: Type.Optional(
          Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[0-9]+$' }), Type.Null()], {
            description: "Size in GiB (at least 1); the snapshot's or source volume's when omitted.",
          }),
        ),
        snapshot_id: Type.Optional(
          Type.Union([Type.String({ pattern: uuidLike }), Type.Null()], {
            description: 'Snapshot to start from.',
          }),
        ),
        source_volid: Type.Optional(
          Type.Union([Type.String({ pattern: uuidLike }), Type.Null()], { description: 'Volume to clone.' }),
        ),
        name: Type.Optional(nullableText('Volume name.')),
        description: Type.Optional(nullableText('Volume description.')),
        display_name: Type.Optional(nullableText('Old name of `name`.')),
        display_description: Type.Optional(nullableText('Old name of `description`.')),
        metadata: Type.Optional(Type.Union([metadata, Type.Null()])),
        availability_zone: Type.Optional(
          Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Null()], {
            description: 'Availability zone; the one the service serves when omitted.',
          }),
        ),
        volume_type: Type.Optional(
          Type.Union([Type.String({ maxLength: 255 }), Type.Null()], {
            description: 'Volume type name or id.',
          }),
        ),
        imageRef: Type.Optional(
          Type.Union([Type.String({ maxLength: 255 }), Type.Null()], {
            description: 'Image to copy into the volume.',
          }),
        ),
        image_id: Type.Optional(
          Type.Union([Type.String({ maxLength: 255 }), Type.Null()], {
            description: 'Old name of `imageRef`.',
          }),
        ),
      },
      // Cinder accepts (and ignores) unknown volume keys before 3.53.
      { additionalProperties: true },
    ),
    'OS-SCH-HNT:scheduler_hints': Type.Optional(Type.Union([Type.Object({}), Type.Null()])),
  },
  { additionalProperties: false },
);

export const volumeUpdateBody = Type.Object(
  {
    volume: Type.Object(
      {
        name: Type.Optional(nullableText('Volume name.')),
        description: Type.Optional(nullableText('Volume description.')),
        display_name: Type.Optional(nullableText('Old name of `name`.')),
        display_description: Type.Optional(nullableText('Old name of `description`.')),
        metadata: Type.Optional(metadata),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** A boolean, or a string oslo's bool_from_string reads (checked by the handler). */
const boolish = Type.Union([Type.Boolean(), Type.String()]);

export const volumeUploadImageBody = Type.Object(
  {
    image_name: Type.String({ minLength: 1, maxLength: 255, description: 'Name of the new image.' }),
    force: Type.Optional(boolish),
    disk_format: Type.Optional(Type.String({ description: 'raw (default) or qcow2.' })),
    container_format: Type.Optional(Type.String({ description: 'bare (default).' })),
    visibility: Type.Optional(
      Type.Union([
        Type.Literal('public'),
        Type.Literal('private'),
        Type.Literal('shared'),
        Type.Literal('community'),
      ]),
    ),
    protected: Type.Optional(boolish),
  },
  // Cinder's upload schema ignores other keys.
  { additionalProperties: true },
);

const connector = Type.Record(Type.String(), Type.Unknown(), {
  description: "The consumer's connector (host, ip, initiator, mode…).",
});
const noArgs = Type.Union([Type.Null(), Type.Object({}, { additionalProperties: false })]);
const action = <K extends string, T extends TSchema>(key: K, body: T) =>
  Type.Object({ [key]: body } as { [P in K]: T }, { additionalProperties: false });

/** The volume actions served: os-extend, the attach steps of consumers (Cinder's volume_actions), os-volume_upload_image. */
export const volumeActionBody = Type.Union([
  action(
    'os-extend',
    Type.Object(
      {
        new_size: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[0-9]+$' })], {
          description: 'The new size in GiB (larger than the current one).',
        }),
      },
      { additionalProperties: false },
    ),
  ),
  action('os-volume_upload_image', volumeUploadImageBody),
  action('os-reserve', noArgs),
  action('os-unreserve', noArgs),
  action('os-begin_detaching', noArgs),
  action('os-roll_detaching', noArgs),
  action('os-initialize_connection', Type.Object({ connector }, { additionalProperties: false })),
  action(
    'os-terminate_connection',
    Type.Object({ connector: Type.Union([connector, Type.Null()]) }, { additionalProperties: false }),
  ),
  action(
    'os-attach',
    Type.Object(
      {
        instance_uuid: Type.Optional(Type.Union([Type.String({ pattern: uuidLike }), Type.Null()])),
        mountpoint: Type.String({ maxLength: 255, description: 'Where the consumer put it, e.g. /dev/vdb.' }),
        host_name: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
        mode: Type.Optional(Type.Union([Type.Literal('rw'), Type.Literal('ro'), Type.Null()])),
      },
      { additionalProperties: false },
    ),
  ),
  action(
    'os-reset_status',
    Type.Object(
      {
        status: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'A volume status.' })),
        attach_status: Type.Optional(
          Type.Union([Type.String(), Type.Null()], { description: 'attached or detached.' }),
        ),
        migration_status: Type.Optional(
          Type.Union([Type.String(), Type.Null()], { description: 'A migration status, or none.' }),
        ),
      },
      { additionalProperties: false },
    ),
  ),
  action('os-force_delete', Type.Union([Type.Null(), Type.Object({})])),
  action(
    'os-force_detach',
    Type.Union([
      Type.Null(),
      Type.Object(
        {
          attachment_id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
          connector: Type.Optional(Type.Union([Type.String(), connector, Type.Null()])),
        },
        { additionalProperties: false },
      ),
    ]),
  ),
  action(
    'os-set_bootable',
    Type.Object(
      { bootable: cinderBoolean('Whether the volume can boot a server.') },
      { additionalProperties: false },
    ),
  ),
  action(
    'os-update_readonly_flag',
    Type.Object(
      { readonly: cinderBoolean('Whether the volume attaches read-only.') },
      { additionalProperties: false },
    ),
  ),
  action('os-set_image_metadata', Type.Object({ metadata }, { additionalProperties: false })),
  action(
    'os-unset_image_metadata',
    Type.Object({ key: Type.String({ minLength: 1, maxLength: 255 }) }, { additionalProperties: false }),
  ),
  action('os-show_image_metadata', Type.Union([Type.Null(), Type.Object({})])),
  action(
    'os-detach',
    Type.Union([
      Type.Null(),
      Type.Object(
        { attachment_id: Type.Optional(Type.Union([Type.String({ pattern: uuidLike }), Type.Null()])) },
        { additionalProperties: false },
      ),
    ]),
  ),
]);
