import Type from 'typebox';
import { bool, int, nullable, nullableStr, str, strict } from '../../common/http/response-schemas.js';
import { containerFormats, diskFormats, imageStatuses, imageVisibilities } from './image-schemas.js';

/**
 * Glance v2's bodies (api-ref "Images", "Sharing", "Discovery"). An image shows every core
 * attribute (unset ones null) and its extra properties beside them, always strings
 * (GET /v2/schemas/image); `locations`, `direct_url` and `stores` appear only on sites
 * configured to show them, which Strata never is.
 */

const oneOf = (values: ReadonlyArray<string>) => Type.Union(values.map((v) => Type.Literal(v)));

const imageCore = {
  id: str,
  name: nullableStr,
  status: oneOf(imageStatuses),
  visibility: oneOf(imageVisibilities),
  protected: bool,
  os_hidden: bool,
  checksum: nullableStr,
  os_hash_algo: nullableStr,
  os_hash_value: nullableStr,
  owner: nullableStr,
  size: nullable(int),
  virtual_size: nullable(int),
  container_format: nullable(oneOf(containerFormats)),
  disk_format: nullable(oneOf(diskFormats)),
  created_at: str,
  updated_at: str,
  tags: Type.Array(str),
  min_ram: int,
  min_disk: int,
  self: str,
  file: str,
  schema: Type.Literal('/v2/schemas/image'),
};

export const imageResponse = Type.Object(imageCore, { additionalProperties: str });

export const imageListResponse = strict({
  images: Type.Array(imageResponse),
  first: str,
  next: Type.Optional(str),
  schema: Type.Literal('/v2/schemas/images'),
});

const member = strict({
  member_id: str,
  image_id: str,
  status: oneOf(['pending', 'accepted', 'rejected']),
  created_at: str,
  updated_at: str,
  schema: Type.Literal('/v2/schemas/member'),
});
export const memberResponse = member;
export const memberListResponse = strict({
  members: Type.Array(member),
  schema: Type.Literal('/v2/schemas/members'),
});

export const versionsResponse = strict({
  versions: Type.Array(
    strict({
      id: str,
      status: oneOf(['CURRENT', 'SUPPORTED', 'DEPRECATED']),
      links: Type.Array(strict({ rel: str, href: str })),
    }),
  ),
});

export const importInfoResponse = strict({
  'import-methods': strict({ description: str, type: Type.Literal('array'), value: Type.Array(str) }),
});

/** Glance's `GET /v2/info/stores` on a multi-store site (Strata answers 404, as single-store Glance). */
export const storesInfoResponse = strict({
  stores: Type.Array(
    strict({
      id: str,
      description: Type.Optional(str),
      default: Type.Optional(bool),
      'read-only': Type.Optional(bool),
    }),
  ),
});

const quota = strict({ limit: int, usage: int });
export const usageInfoResponse = strict({
  usage: strict({
    image_size_total: quota,
    image_stage_total: quota,
    image_count_total: quota,
    image_count_uploading: quota,
  }),
});

/** A JSON schema document (GET /v2/schemas/...): its own shape is JSON Schema's. */
export const schemaDocumentResponse = Type.Object(
  { name: str, properties: Type.Record(Type.String(), Type.Unknown()) },
  { additionalProperties: true },
);
