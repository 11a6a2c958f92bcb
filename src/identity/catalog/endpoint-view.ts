import type { Endpoint } from './endpoint-store.js';

/** Keystone's endpoint JSON repeats region_id as `region` for pre-v3 clients. */
export function endpointView(e: Endpoint, serviceUrl: string) {
  return {
    ...e.extra,
    id: e.id,
    interface: e.interface,
    region: e.regionId,
    region_id: e.regionId,
    service_id: e.serviceId,
    url: e.url,
    enabled: e.enabled,
    links: { self: `${serviceUrl}/v3/endpoints/${e.id}` },
  };
}

export function endpointListView(endpoints: ReadonlyArray<Endpoint>, serviceUrl: string, selfUrl: string) {
  return {
    endpoints: endpoints.map((e) => endpointView(e, serviceUrl)),
    links: { self: selfUrl, previous: null, next: null },
  };
}
