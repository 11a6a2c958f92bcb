import { nextPageLinks } from '../../common/http/pagination.js';
import { secondsTime } from '../../common/time.js';
import type { Image } from './image-store.js';

/** Properties Glance keeps for itself and never shows. */
const hiddenProperties = new Set(['os_glance_stage_host']);

/** Glance's image JSON: extra properties flattened beside the core attributes, relative links. */
export function imageView(i: Image) {
  const extra = Object.fromEntries(Object.entries(i.properties).filter(([k]) => !hiddenProperties.has(k)));
  return {
    ...extra,
    name: i.name,
    disk_format: i.diskFormat,
    container_format: i.containerFormat,
    visibility: i.visibility,
    size: i.size,
    virtual_size: i.virtualSize,
    status: i.status,
    checksum: i.checksum,
    protected: i.protected,
    min_ram: i.minRam,
    min_disk: i.minDisk,
    owner: i.owner,
    os_hidden: i.osHidden,
    os_hash_algo: i.osHashAlgo,
    os_hash_value: i.osHashValue,
    id: i.id,
    created_at: secondsTime(i.createdAt),
    updated_at: secondsTime(i.updatedAt),
    tags: i.tags,
    self: `/v2/images/${i.id}`,
    file: `/v2/images/${i.id}/file`,
    schema: '/v2/schemas/image',
  };
}

/**
 * `GET /v2/images`: `first` is the query without its marker, and `next` is there whenever
 * the page came back full (Glance cannot know whether more follow, nor does Strata ask).
 */
export function imageListView(
  images: ReadonlyArray<Image>,
  query: Readonly<Record<string, unknown>>,
  limit: number,
) {
  const withoutMarker = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (k === 'marker' || v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) withoutMarker.append(k, String(one));
  }
  const first = withoutMarker.size > 0 ? `/v2/images?${withoutMarker.toString()}` : '/v2/images';
  const next = images.length > 0 ? nextPageLinks('/v2/images', query, { limit }, images)[0] : undefined;
  return {
    images: images.map(imageView),
    first,
    schema: '/v2/schemas/images',
    ...(next && { next: next.href }),
  };
}
