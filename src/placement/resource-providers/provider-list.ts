import type { RequestContext } from '../../common/http/route-spec.js';
import { fitsInventory } from '../inventories/inventory-capacity.js';
import { providerInventories } from '../inventories/inventory-store.js';
import type { PlacementDeps } from '../placement-deps.js';
import { badRequest } from '../placement-errors.js';
import { checkQueryKeys, multi, single } from '../placement-http.js';
import {
  noTraits,
  parseMemberOf,
  parseRequired,
  parseResources,
  queryUuid,
  traitNames,
} from '../placement-query.js';
import { atLeast } from '../placement-version.js';
import { unknownResourceClasses } from '../resource-classes/resource-class-service.js';
import { unknownTraits } from '../traits/trait-service.js';
import { providerUsages } from '../usages/usage-store.js';
import type { Provider, ProviderSqlFilter } from './provider-store.js';
import * as store from './provider-store.js';

/** Query keys GET /resource_providers accepts, by the microversion that added them. */
function allowedKeys(ctx: RequestContext): string[] {
  const keys = ['name', 'uuid'];
  if (atLeast(ctx, 3)) keys.push('member_of');
  if (atLeast(ctx, 4)) keys.push('resources');
  if (atLeast(ctx, 14)) keys.push('in_tree');
  if (atLeast(ctx, 18)) keys.push('required');
  return keys;
}

/** GET /resource_providers with name, uuid, member_of, resources, in_tree and required filters. */
export async function listProviders(deps: PlacementDeps, ctx: RequestContext): Promise<Provider[]> {
  const q = ctx.query;
  checkQueryKeys(q, allowedKeys(ctx));
  const db = deps.store.db;
  const name = single(q, 'name');
  const uuid = single(q, 'uuid');
  const inTree = single(q, 'in_tree');
  const memberOf = parseMemberOf(ctx, multi(q, 'member_of'));
  const traits =
    q['required'] === undefined ? noTraits : parseRequired(ctx, 'required', multi(q, 'required'));
  const unknown = await unknownTraits(db, traitNames(traits));
  if (unknown.length > 0) {
    throw badRequest(`Invalid trait(s) in "required" parameter: No such trait(s): ${unknown.join(', ')}`);
  }
  const resourcesQ = single(q, 'resources');
  const resources = resourcesQ === undefined ? {} : parseResources('resources', resourcesQ);
  const badClass = await unknownResourceClasses(db, Object.keys(resources));
  if (badClass.length > 0) {
    throw badRequest(`Invalid resource class in resources parameter: No such resource class ${badClass[0]}.`);
  }
  const filter: ProviderSqlFilter = {
    ...(name !== undefined && { name }),
    ...(uuid !== undefined && { uuid: queryUuid('uuid', uuid) }),
    memberOf: memberOf.anyOf,
    notMemberOf: memberOf.noneOf,
    requiredTraits: traits.required,
    forbiddenTraits: traits.forbidden,
    anyTraits: traits.anyOf,
  };
  if (inTree !== undefined) {
    const anchor = await store.getProvider(db, queryUuid('in_tree', inTree));
    if (anchor === undefined) return [];
    Object.assign(filter, { rootUuid: anchor.rootUuid });
  }
  const providers = await store.listProviders(db, filter);
  return Object.keys(resources).length === 0 ? providers : withCapacity(deps, providers, resources);
}

/** Keeps providers where every requested amount fits (the shared capacity rule). */
async function withCapacity(
  deps: PlacementDeps,
  providers: ReadonlyArray<Provider>,
  resources: Readonly<Record<string, number>>,
): Promise<Provider[]> {
  // Past a few hundred, one scan is cheaper than a long IN list (and stays under parameter limits).
  const uuids = providers.length > 500 ? undefined : providers.map((p) => p.uuid);
  const inventories = await providerInventories(deps.store.db, uuids);
  const usages = await providerUsages(deps.store.db, uuids);
  return providers.filter((p) =>
    Object.entries(resources).every(
      ([rc, amount]) =>
        fitsInventory(inventories.get(p.uuid)?.[rc], usages.get(p.uuid)?.[rc] ?? 0, amount).fits,
    ),
  );
}
