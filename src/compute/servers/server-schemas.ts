import Type from 'typebox';
import { nameFormat } from '../../common/http/name-format.js';

const name = Type.String({ minLength: 1, maxLength: 255, format: nameFormat, description: 'Server name.' });
/** 2.19: free text without control characters (Nova's printable-characters pattern), or null. */
export const serverDescription = Type.Union(
  [Type.String({ maxLength: 255, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$' }), Type.Null()],
  { description: 'Server description (microversion 2.19).' },
);
/** Nova's tag: 1-60 characters, no comma or slash (they separate tags in list filters). */
export const serverTag = Type.String({
  minLength: 1,
  maxLength: 60,
  pattern: '^[^,/]*$',
  description: 'A tag.',
});
/** Nova's per-server limit. */
export const maxTags = 50;
const count = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[0-9]*$', minLength: 1 })], {
  description: 'How many servers (Nova accepts a number or a numeric string).',
});
/** Nova's metadata: keys of 1-255 letters, digits and `-_:. `; any other key is unexpected. */
const metadata = Type.Record(
  Type.String({ pattern: '^[a-zA-Z0-9-_:. ]{1,255}$' }),
  Type.String({ maxLength: 255 }),
  {
    additionalProperties: false,
    description: 'Key/value metadata.',
  },
);
/** Nova's device tag: up to 60 characters, no comma or slash (2.32, 2.42). */
const deviceTag = Type.String({
  maxLength: 60,
  pattern: '^[^,/]*$',
  description: 'Device tag (2.32, 2.42).',
});
const network = Type.Object(
  {
    uuid: Type.Optional(Type.String({ description: 'Network id.' })),
    port: Type.Optional(Type.String({ description: 'Port id.' })),
    fixed_ip: Type.Optional(Type.String({ description: 'Requested fixed IP.' })),
    tag: Type.Optional(deviceTag),
  },
  { additionalProperties: false },
);

const bdmText = (description: string) => Type.Optional(Type.String({ maxLength: 255, description }));
const bdmInt = (description: string) =>
  Type.Optional(
    Type.Union([Type.Integer(), Type.String({ pattern: '^-?[0-9]+$' }), Type.Null()], { description }),
  );

/** Nova's block_device_mapping_v2 item (the new keys and the legacy ones it still takes). */
const blockDevice = Type.Object(
  {
    source_type: Type.Optional(
      Type.Union(
        [Type.Literal('volume'), Type.Literal('image'), Type.Literal('snapshot'), Type.Literal('blank')],
        {
          description: 'image, volume, snapshot or blank.',
        },
      ),
    ),
    destination_type: Type.Optional(
      Type.Union([Type.Literal('local'), Type.Literal('volume')], { description: 'local or volume.' }),
    ),
    boot_index: bdmInt('Boot order; 0 boots.'),
    uuid: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        pattern: '^[a-zA-Z0-9._-]*$',
        description: 'Id of the source.',
      }),
    ),
    volume_size: bdmInt('GiB of the volume to create (image or blank to volume).'),
    delete_on_termination: Type.Optional(
      Type.Union([Type.Boolean(), Type.String()], { description: 'Delete the volume with the server.' }),
    ),
    device_name: Type.Optional(
      Type.Union([Type.String({ maxLength: 255 }), Type.Null()], { description: 'Guest device name hint.' }),
    ),
    guest_format: bdmText('Filesystem of an ephemeral disk.'),
    device_type: bdmText('disk or cdrom.'),
    disk_bus: bdmText('virtio, scsi, ...'),
    no_device: Type.Optional(Type.Union([Type.Boolean(), Type.String(), Type.Null()])),
    tag: Type.Optional(deviceTag),
  },
  { additionalProperties: false },
);

/** Nova's legacy (v1) block_device_mapping item; create turns it into v2 (legacy-block-devices.ts). */
const legacyBlockDevice = Type.Object(
  {
    virtual_name: bdmText('ephemeralN or swap (not served here).'),
    volume_id: Type.Optional(Type.String({ format: 'uuid', description: 'Volume to boot or attach.' })),
    snapshot_id: Type.Optional(
      Type.String({ format: 'uuid', description: 'Snapshot to make a volume from.' }),
    ),
    volume_size: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[0-9]+$' })], {
        description: 'GiB.',
      }),
    ),
    device_name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        pattern: '^[a-zA-Z0-9._/-]*$',
        description: 'vda is the root.',
      }),
    ),
    delete_on_termination: Type.Optional(
      Type.Union([Type.Boolean(), Type.String()], { description: 'Delete the volume with the server.' }),
    ),
    no_device: Type.Optional(Type.Unknown()),
    connection_info: Type.Optional(Type.String({ maxLength: 16_777_215 })),
  },
  { additionalProperties: false },
);

export const serverCreateBody = Type.Object(
  {
    server: Type.Object(
      {
        name,
        description: Type.Optional(serverDescription),
        imageRef: Type.Optional(Type.String({ description: 'Image id (empty when booting from volume).' })),
        flavorRef: Type.Union([Type.String({ minLength: 1 }), Type.Integer()], { description: 'Flavor id.' }),
        availability_zone: Type.Optional(
          Type.String({ minLength: 1, maxLength: 255, description: 'Availability zone.' }),
        ),
        key_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Keypair name.' })),
        user_data: Type.Optional(Type.String({ maxLength: 65535, description: 'Base64 user data.' })),
        metadata: Type.Optional(metadata),
        min_count: Type.Optional(count),
        max_count: Type.Optional(count),
        return_reservation_id: Type.Optional(
          Type.Boolean({ description: 'Return only the reservation id.' }),
        ),
        networks: Type.Optional(
          Type.Union([Type.Array(network), Type.Literal('auto'), Type.Literal('none')], {
            description: 'Networks.',
          }),
        ),
        config_drive: Type.Optional(
          Type.Union([Type.Boolean(), Type.String()], { description: 'Attach a config drive.' }),
        ),
        security_groups: Type.Optional(
          Type.Array(Type.Object({ name: Type.String() }), { description: 'Security groups.' }),
        ),
        accessIPv4: Type.Optional(Type.String({ description: 'Access IPv4 address.' })),
        accessIPv6: Type.Optional(Type.String({ description: 'Access IPv6 address.' })),
        adminPass: Type.Optional(Type.String({ description: 'Admin password.' })),
        personality: Type.Optional(
          Type.Array(Type.Object({ path: Type.String(), contents: Type.String() }), {
            description: 'Injected files.',
          }),
        ),
        block_device_mapping_v2: Type.Optional(Type.Array(blockDevice, { description: 'Block devices.' })),
        block_device_mapping: Type.Optional(
          Type.Array(legacyBlockDevice, { description: 'Block devices, legacy (v1) syntax.' }),
        ),
        tags: Type.Optional(
          Type.Array(serverTag, { maxItems: maxTags, description: 'Tags to create with (2.52).' }),
        ),
        'OS-DCF:diskConfig': Type.Optional(
          Type.Union([Type.Literal('AUTO'), Type.Literal('MANUAL')], { description: 'Disk config.' }),
        ),
      },
      { additionalProperties: false, description: 'The server to create.' },
    ),
    'os:scheduler_hints': Type.Optional(
      Type.Object(
        { group: Type.Optional(Type.String({ description: 'Server group id.' })) },
        { additionalProperties: true, description: 'Scheduler hints.' },
      ),
    ),
    'OS-SCH-HNT:scheduler_hints': Type.Optional(
      Type.Object(
        { group: Type.Optional(Type.String()) },
        { additionalProperties: true, description: 'Scheduler hints (legacy key).' },
      ),
    ),
  },
  { description: 'Create server request.' },
);

export type ServerCreateRequest = Type.Static<typeof serverCreateBody>;

export const serverUpdateBody = Type.Object({
  server: Type.Object(
    {
      name: Type.Optional(name),
      description: Type.Optional(serverDescription),
      accessIPv4: Type.Optional(Type.String({ description: 'Access IPv4 address.' })),
      accessIPv6: Type.Optional(Type.String({ description: 'Access IPv6 address.' })),
      'OS-DCF:diskConfig': Type.Optional(Type.String({ description: 'Disk config.' })),
    },
    { additionalProperties: false, description: 'Fields to change.' },
  ),
});

export const metadataBody = Type.Object({ metadata: metadata }, { additionalProperties: false });
export const metaItemBody = Type.Object({ meta: metadata }, { additionalProperties: false });
