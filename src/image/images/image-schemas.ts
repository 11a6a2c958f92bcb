import Type from 'typebox';
import type { TSchema } from 'typebox';

/** Glance's default `[image_format] disk_formats`. */
export const diskFormats = [
  'ami',
  'ari',
  'aki',
  'vhd',
  'vhdx',
  'vmdk',
  'raw',
  'qcow2',
  'vdi',
  'iso',
  'ploop',
];
/** Glance's default `[image_format] container_formats`. */
export const containerFormats = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'];
export const imageStatuses = [
  'queued',
  'saving',
  'active',
  'killed',
  'deleted',
  'uploading',
  'importing',
  'pending_delete',
  'deactivated',
];
export const imageVisibilities = ['community', 'public', 'private', 'shared'];

const uuidPattern = '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$';

// Glance's schema says `"type": ["null", "string"]`; glanceclient reads that shape, so keep it.
const nullable = (type: string, extra: Record<string, unknown>) =>
  Type.Unsafe({ type: ['null', type], ...extra });
const readOnly = (schema: TSchema) => ({ ...schema, readOnly: true }) as TSchema;

/** The image's core attributes, as `GET /v2/schemas/image` publishes them. */
export const imageCoreProperties = {
  id: Type.String({
    pattern: uuidPattern,
    description: 'The image id, a UUID; chosen by the server unless given.',
  }),
  name: nullable('string', { maxLength: 255, description: 'A name for people; not unique.' }),
  status: readOnly(
    Type.Unsafe({
      type: 'string',
      enum: imageStatuses,
      description: 'Where the image is in its life cycle.',
    }),
  ),
  visibility: Type.Unsafe({
    type: 'string',
    enum: imageVisibilities,
    description: 'Who may see the image: everyone, the owner, members, or anyone who knows the id.',
  }),
  protected: Type.Boolean({ description: 'A protected image cannot be deleted.' }),
  os_hidden: Type.Boolean({ description: 'Hidden images are left out of the default image list.' }),
  checksum: readOnly(nullable('string', { maxLength: 32, description: 'md5 hex digest of the image data.' })),
  os_hash_algo: readOnly(
    nullable('string', { maxLength: 64, description: 'Algorithm of os_hash_value (sha512).' }),
  ),
  os_hash_value: readOnly(
    nullable('string', { maxLength: 128, description: 'Hex digest of the image data.' }),
  ),
  owner: nullable('string', { maxLength: 255, description: 'The project that owns the image.' }),
  size: readOnly(nullable('integer', { description: 'Bytes of image data.' })),
  virtual_size: readOnly(nullable('integer', { description: 'Bytes of the disk the data expands to.' })),
  container_format: nullable('string', {
    enum: [null, ...containerFormats],
    description: 'How the disk is wrapped (bare when it is not).',
  }),
  disk_format: nullable('string', { enum: [null, ...diskFormats], description: 'The disk image format.' }),
  created_at: readOnly(Type.String({ description: 'When the image was registered (UTC).' })),
  updated_at: readOnly(Type.String({ description: 'When the image last changed (UTC).' })),
  tags: Type.Array(Type.String({ maxLength: 255, description: 'A tag.' }), {
    description: 'Free-form labels for finding the image.',
  }),
  direct_url: readOnly(Type.String({ description: 'Where the data lives in the store (never shown here).' })),
  min_ram: Type.Integer({ description: 'MiB of RAM the image needs to boot.' }),
  min_disk: Type.Integer({ description: 'GiB of disk the image needs to boot.' }),
  self: readOnly(Type.String({ description: 'Path of this image.' })),
  file: readOnly(Type.String({ description: 'Path of the image data.' })),
  stores: readOnly(Type.String({ description: 'Stores holding the data (multi-store sites only).' })),
  schema: readOnly(Type.String({ description: 'Path of this schema.' })),
};

/** Any other key is an "extra property", always a string (Glance's PermissiveSchema). */
export const imageSchema = Type.Object(
  Object.fromEntries(Object.entries(imageCoreProperties).map(([k, v]) => [k, Type.Optional(v)])),
  { additionalProperties: Type.String({ description: 'An extra property.' }) },
);

/** `GET /v2/schemas/image`: the schema document glanceclient builds its models from. */
export function imageSchemaDocument() {
  return {
    name: 'image',
    properties: imageCoreProperties,
    additionalProperties: { type: 'string' },
    links: [
      { rel: 'self', href: '{self}' },
      { rel: 'enclosure', href: '{file}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  };
}

/** `GET /v2/schemas/images`. */
export function imagesSchemaDocument() {
  return collectionDocument('images', imageSchemaDocument(), true);
}

export const memberProperties = {
  member_id: Type.String({ description: 'The project the image is shared with.' }),
  image_id: Type.String({ pattern: uuidPattern, description: 'The shared image.' }),
  created_at: Type.String({ description: 'When the image was shared (UTC).' }),
  updated_at: Type.String({ description: 'When the member last changed its status (UTC).' }),
  status: Type.Unsafe({
    type: 'string',
    enum: ['pending', 'accepted', 'rejected'],
    description: 'Whether the member accepted the share; accepted images appear in its image list.',
  }),
  schema: readOnly(Type.String({ description: 'Path of this schema.' })),
};

/** `GET /v2/schemas/member`. */
export function memberSchemaDocument() {
  return { name: 'member', properties: memberProperties };
}

/** `GET /v2/schemas/members`. */
export function membersSchemaDocument() {
  return collectionDocument('members', memberSchemaDocument(), false);
}

function collectionDocument(name: string, item: Record<string, unknown>, paged: boolean) {
  const itemSchema = paged ? { ...item, additionalProperties: item['additionalProperties'] ?? false } : item;
  return {
    name,
    properties: {
      [name]: { type: 'array', items: itemSchema },
      ...(paged && { first: { type: 'string' }, next: { type: 'string' } }),
      schema: { type: 'string' },
    },
    links: [
      ...(paged
        ? [
            { rel: 'first', href: '{first}' },
            { rel: 'next', href: '{next}' },
          ]
        : []),
      { rel: 'describedby', href: '{schema}' },
    ],
  };
}
