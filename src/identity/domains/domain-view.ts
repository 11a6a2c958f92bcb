import type { Domain } from './domain-store.js';

export function domainView(d: Domain, serviceUrl: string) {
  return {
    ...d.extra,
    id: d.id,
    name: d.name,
    description: d.description,
    enabled: d.enabled,
    tags: [],
    options: {},
    links: { self: `${serviceUrl}/v3/domains/${d.id}` },
  };
}

export function domainListView(domains: ReadonlyArray<Domain>, serviceUrl: string, selfUrl: string) {
  return {
    domains: domains.map((d) => domainView(d, serviceUrl)),
    links: { self: selfUrl, previous: null, next: null },
  };
}
