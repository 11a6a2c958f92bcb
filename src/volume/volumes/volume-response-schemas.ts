import Type from 'typebox';
import {
  bool,
  int,
  links,
  nullable,
  nullableStr,
  str,
  strict,
  stringMap,
} from '../../common/http/response-schemas.js';
import { noBody } from '../../common/http/route-spec.js';
import { byVolumeMicroversion, when } from '../volume-response-schemas.js';

/**
 * Cinder's volume bodies (api-ref "Volumes (volumes)", cinder/api/v3/views/volumes.py):
 * group_id from 3.13, provider_id for admins from 3.21, count from 3.45, shared_targets and
 * service_uuid from 3.48. Show and detail lists also carry the extensions' attributes
 * (tenant, host, migration, image metadata); create and update do not.
 */
const breaks = ['3.13', '3.21', '3.48'];

const attachment = strict({
  id: str,
  attachment_id: str,
  volume_id: str,
  server_id: nullableStr,
  host_name: nullableStr,
  device: nullableStr,
  attached_at: nullableStr,
});

function volumeCore(since: (v: string) => boolean) {
  return {
    id: str,
    status: str,
    size: int,
    availability_zone: nullableStr,
    created_at: str,
    updated_at: nullableStr,
    name: nullableStr,
    description: nullableStr,
    volume_type: nullableStr,
    snapshot_id: nullableStr,
    source_volid: nullableStr,
    metadata: stringMap,
    links,
    user_id: str,
    bootable: str,
    encrypted: bool,
    replication_status: nullableStr,
    consistencygroup_id: nullableStr,
    multiattach: bool,
    attachments: Type.Array(attachment),
    // Admins only.
    migration_status: Type.Optional(nullableStr),
    ...when(since('3.13'), { group_id: nullableStr }),
    ...when(since('3.21'), { provider_id: Type.Optional(nullableStr) }),
    ...when(since('3.48'), { shared_targets: bool, service_uuid: nullableStr }),
  };
}

/** The attributes Cinder's volume extensions add to show and detail (host and migration: admins). */
const extensionAttributes = {
  'os-vol-tenant-attr:tenant_id': str,
  volume_image_metadata: Type.Optional(stringMap),
  'os-vol-host-attr:host': Type.Optional(nullableStr),
  'os-vol-mig-status-attr:migstat': Type.Optional(nullableStr),
  'os-vol-mig-status-attr:name_id': Type.Optional(nullableStr),
};

const shownVolume = (since: (v: string) => boolean) =>
  strict({ ...volumeCore(since), ...extensionAttributes });

const listExtras = (since: (v: string) => boolean) => ({
  volumes_links: Type.Optional(links),
  ...when(since('3.45'), { count: Type.Optional(int) }),
});

export const volumeListResponse = byVolumeMicroversion(['3.45'], (since) =>
  strict({ volumes: Type.Array(strict({ id: str, name: nullableStr, links })), ...listExtras(since) }),
);

export const volumeDetailListResponse = byVolumeMicroversion([...breaks, '3.45'], (since) =>
  strict({ volumes: Type.Array(shownVolume(since)), ...listExtras(since) }),
);

export const volumeShowResponse = byVolumeMicroversion(breaks, (since) =>
  strict({ volume: shownVolume(since) }),
);

/** Create (202) and update (200): the detail view without the extensions' attributes. */
export const volumeWriteResponse = byVolumeMicroversion(breaks, (since) =>
  strict({ volume: strict(volumeCore(since)) }),
);

/** The volume type as Cinder's upload response serializes its row. */
const uploadVolumeType = strict({
  id: str,
  name: str,
  description: nullableStr,
  is_public: bool,
  extra_specs: Type.Record(str, nullableStr),
  qos_specs_id: nullableStr,
  deleted: bool,
  created_at: str,
  updated_at: nullableStr,
  deleted_at: nullableStr,
});

const uploadImage = strict({
  'os-volume_upload_image': strict({
    id: str,
    updated_at: nullableStr,
    status: str,
    display_description: nullableStr,
    size: int,
    volume_type: nullable(uploadVolumeType),
    image_id: str,
    container_format: str,
    disk_format: str,
    image_name: str,
    // Both always: Strata answers with the image it created (Cinder adds them from 3.1).
    protected: bool,
    visibility: str,
  }),
});

const connectionInfo = strict({
  connection_info: strict({
    driver_volume_type: str,
    data: Type.Record(str, Type.Unknown()),
  }),
});

/** os-set_image_metadata and os-show_image_metadata: the volume's image metadata. */
const imageMetadata = strict({ metadata: stringMap });

/** Volume actions: most answer with no body; upload-image, initialize-connection and image metadata have one. */
export const volumeActionResponse = Type.Union([noBody, uploadImage, connectionInfo, imageMetadata]);

/** GET /volumes/summary (3.12); metadata (each key's values) from 3.36. */
export const volumeSummaryResponse = strict({
  'volume-summary': strict({
    total_size: int,
    total_count: int,
    metadata: Type.Optional(Type.Record(str, Type.Array(str))),
  }),
});
