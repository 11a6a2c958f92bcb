import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import type { PageLink } from '../../common/http/pagination.js';
import type { Flavor } from './flavor-store.js';

/** Nova's self (versioned) and bookmark (unversioned) links; `serviceUrl` is the /compute root. */
function flavorLinks(id: string, serviceUrl: string) {
  return [
    { rel: 'self', href: `${serviceUrl}/v2.1/flavors/${id}` },
    { rel: 'bookmark', href: `${serviceUrl}/flavors/${id}` },
  ];
}

/** 2.55 shows the description in every flavor view. */
const described = (f: Flavor, mv: Microversion | undefined) =>
  atLeast(mv, [2, 55]) ? { description: f.description } : {};

/** GET /flavors entries: id, name and links only (and the description from 2.55). */
export function flavorBriefView(f: Flavor, serviceUrl: string, mv: Microversion | undefined) {
  return { id: f.id, name: f.name, links: flavorLinks(f.id, serviceUrl), ...described(f, mv) };
}

/** The 2.1 flavor: extension-prefixed attributes, and "" for a zero swap or rxtx factor as Nova prints. */
export function flavorView(f: Flavor, serviceUrl: string, mv: Microversion | undefined) {
  return {
    id: f.id,
    name: f.name,
    ram: f.ram,
    disk: f.disk,
    swap: f.swap === 0 ? '' : f.swap,
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeral,
    'OS-FLV-DISABLED:disabled': f.disabled,
    vcpus: f.vcpus,
    'os-flavor-access:is_public': f.isPublic,
    rxtx_factor: f.rxtxFactor === 0 ? '' : f.rxtxFactor,
    links: flavorLinks(f.id, serviceUrl),
    ...described(f, mv),
  };
}

/** A list body; `flavors_links` appears only when there is a next page. */
export function flavorListView<T>(items: ReadonlyArray<T>, links: ReadonlyArray<PageLink>) {
  return links.length > 0 ? { flavors: items, flavors_links: links } : { flavors: items };
}

export function flavorAccessView(flavorId: string, projectIds: ReadonlyArray<string>) {
  return { flavor_access: projectIds.map((p) => ({ flavor_id: flavorId, tenant_id: p })) };
}
