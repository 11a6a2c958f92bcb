import type { Region } from './region-store.js';

export function regionView(r: Region, serviceUrl: string) {
  return {
    ...r.extra,
    id: r.id,
    description: r.description,
    parent_region_id: r.parentRegionId,
    links: { self: `${serviceUrl}/v3/regions/${r.id}` },
  };
}

export function regionListView(regions: ReadonlyArray<Region>, serviceUrl: string, selfUrl: string) {
  return {
    regions: regions.map((r) => regionView(r, serviceUrl)),
    links: { self: selfUrl, previous: null, next: null },
  };
}
