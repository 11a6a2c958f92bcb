import type { ServiceEntry } from './service-entry-store.js';

export function serviceEntryView(s: ServiceEntry, serviceUrl: string) {
  return {
    ...s.extra,
    id: s.id,
    type: s.type,
    name: s.name,
    description: s.description,
    enabled: s.enabled,
    links: { self: `${serviceUrl}/v3/services/${s.id}` },
  };
}

export function serviceEntryListView(
  entries: ReadonlyArray<ServiceEntry>,
  serviceUrl: string,
  selfUrl: string,
) {
  return {
    services: entries.map((s) => serviceEntryView(s, serviceUrl)),
    links: { self: selfUrl, previous: null, next: null },
  };
}
