import { respond } from '../../common/http/http-response.js';
import { noBody, route } from '../../common/http/route-spec.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { callerOf } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { networkTarget } from '../networks/network-view.js';
import { portTarget } from '../ports/port-service.js';
import { subnetTarget } from '../subnets/subnet-service.js';
import { groupTarget } from '../security-groups/security-group-view.js';
import { floatingIpTarget } from '../floatingips/floatingip-service.js';
import { routerTarget } from '../routers/router-service.js';
import { subnetPoolTarget } from '../subnetpools/subnetpool-view.js';
import type { Taggable } from './tag-service.js';
import { tagNotFound, tagsOf, taggable, validateTag, validateTagsBody, writeTags } from './tag-service.js';
import { tagListResponse } from './tag-response-schemas.js';
import { taggedResources } from './tag-resources.js';

/** The parent's policy target: tag rules are written against the tagged resource. */
async function target(kind: Taggable, ctx: RequestContext, deps: NetworkDeps) {
  const db = deps.store.db;
  const id = ctx.params['parent_id']!;
  const caller = callerOf(ctx);
  if (kind === 'networks') return networkTarget(await taggable.networks(db, caller, id));
  if (kind === 'subnets') return subnetTarget(db, await taggable.subnets(db, caller, id));
  if (kind === 'security_groups') return groupTarget(await taggable.security_groups(db, caller, id));
  if (kind === 'routers') return routerTarget(await taggable.routers(db, caller, id));
  if (kind === 'floatingips') return floatingIpTarget(await taggable.floatingips(db, caller, id));
  if (kind === 'subnetpools') return subnetPoolTarget(await taggable.subnetpools(db, caller, id));
  return portTarget(db, await taggable.ports(db, caller, id));
}

function routesFor(kind: Taggable) {
  const base = `/v2.0/${kind.replaceAll('_', '-')}/:parent_id/tags`;
  const t = (ctx: RequestContext, deps: NetworkDeps) => target(kind, ctx, deps);
  const parent = (ctx: RequestContext) => ctx.params['parent_id']!;
  const tag = (ctx: RequestContext) => {
    const value = ctx.params['tag']!;
    validateTag(value);
    return value;
  };
  return [
    route<NetworkDeps>({
      method: 'GET',
      url: base,
      policy: `get_${kind}_tags`,
      target: t,
      successStatus: 200,
      response: tagListResponse,
      expectedErrors: [404],
      handler: async (ctx, deps) => ({ tags: await tagsOf(deps.store.db, callerOf(ctx), kind, parent(ctx)) }),
    }),
    route<NetworkDeps>({
      method: 'GET',
      url: `${base}/:tag`,
      policy: `get_${kind}_tags`,
      target: t,
      successStatus: 204,
      expectedErrors: [404],
      handler: async (ctx, deps) => {
        const value = tag(ctx);
        if (!(await tagsOf(deps.store.db, callerOf(ctx), kind, parent(ctx))).includes(value))
          throw tagNotFound(value);
      },
    }),
    route<NetworkDeps>({
      method: 'PUT',
      url: base,
      policy: `update_${kind}_tags`,
      target: t,
      successStatus: 200,
      response: tagListResponse,
      expectedErrors: [404],
      handler: async (ctx, deps) => {
        const tags = validateTagsBody(ctx.body);
        await writeTags(deps, callerOf(ctx), kind, parent(ctx), () => [...new Set(tags)]);
        return { tags };
      },
    }),
    route<NetworkDeps>({
      method: 'PUT',
      url: `${base}/:tag`,
      policy: `create_${kind}_tags`,
      target: t,
      successStatus: 201,
      response: noBody,
      expectedErrors: [404],
      handler: async (ctx, deps) => {
        const value = tag(ctx);
        await writeTags(deps, callerOf(ctx), kind, parent(ctx), (old) =>
          old.includes(value) ? old : [...old, value],
        );
        return respond(undefined, { status: 201 });
      },
    }),
    route<NetworkDeps>({
      method: 'DELETE',
      url: base,
      policy: `delete_${kind}_tags`,
      target: t,
      successStatus: 204,
      expectedErrors: [404],
      handler: async (ctx, deps) => {
        await writeTags(deps, callerOf(ctx), kind, parent(ctx), () => []);
      },
    }),
    route<NetworkDeps>({
      method: 'DELETE',
      url: `${base}/:tag`,
      policy: `delete_${kind}_tags`,
      target: t,
      successStatus: 204,
      expectedErrors: [404],
      handler: async (ctx, deps) => {
        const value = tag(ctx);
        await writeTags(deps, callerOf(ctx), kind, parent(ctx), (old) => {
          if (!old.includes(value)) throw tagNotFound(value);
          return old.filter((x) => x !== value);
        });
      },
    }),
  ];
}

// Typed so that a collection named there without a finder in tag-service fails to compile.
const kinds: ReadonlyArray<Taggable> = Object.keys(taggedResources) as Array<keyof typeof taggedResources>;
export const tagRoutes = kinds.flatMap(routesFor);
