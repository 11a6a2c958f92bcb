import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../placement-version.js';
import type { Provider } from './provider-store.js';

type Versioned = { readonly microversion: Microversion | undefined };

/** Placement's provider JSON; links and tree fields depend on the microversion. */
export function providerView(ctx: Versioned, p: Provider, root: string) {
  const self = `${root}/resource_providers/${p.uuid}`;
  const rels = ['inventories', 'usages'];
  if (atLeast(ctx, 1)) rels.push('aggregates');
  if (atLeast(ctx, 6)) rels.push('traits');
  if (atLeast(ctx, 11)) rels.push('allocations');
  return {
    uuid: p.uuid,
    name: p.name,
    generation: p.generation,
    links: [{ rel: 'self', href: self }, ...rels.map((rel) => ({ rel, href: `${self}/${rel}` }))],
    ...(atLeast(ctx, 14) && { parent_provider_uuid: p.parentUuid, root_provider_uuid: p.rootUuid }),
  };
}
