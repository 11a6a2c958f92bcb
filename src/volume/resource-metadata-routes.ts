import { Type } from 'typebox';
import { resourceMetadata } from './resource-metadata-schemas.js';
import { InputError, NotFoundError } from '../common/errors.js';
import { strict, stringMap } from '../common/http/response-schemas.js';
import type { RequestContext } from '../common/http/route-spec.js';
import { noBody, route } from '../common/http/route-spec.js';
import { volumeCallerOf } from './volume-caller.js';
import type { VolumeCaller, VolumeDeps } from './volume-deps.js';

type Metadata = Readonly<Record<string, string>>;

const metadataBody = Type.Object({ metadata: resourceMetadata }, { additionalProperties: false });
const metaItemBody = Type.Object({ meta: resourceMetadata }, { additionalProperties: false });
const metadataResponse = strict({ metadata: stringMap });
const metaItemResponse = strict({ meta: stringMap });

/** A resource whose metadata the routes below serve (volumes, snapshots). */
export interface MetadataOwner {
  /** e.g. '/v3/:project_id/volumes/:volume_id' */
  readonly url: string;
  readonly idParam: string;
  /** Cinder's word in messages and error codes: 'Volume', 'Snapshot'. */
  readonly noun: string;
  readonly policy: {
    readonly get: string;
    readonly create: string;
    readonly update: string;
    readonly delete: string;
  };
  readonly target: (ctx: RequestContext, deps: VolumeDeps) => Promise<Record<string, string>>;
  readonly read: (
    deps: VolumeDeps,
    caller: VolumeCaller,
    id: string,
  ) => Promise<{ readonly metadata: Metadata }>;
  /** Applies `change` to the stored metadata atomically and answers with the result. */
  readonly change: (
    deps: VolumeDeps,
    caller: VolumeCaller,
    id: string,
    change: (cur: Metadata) => Metadata,
  ) => Promise<{ readonly metadata: Metadata }>;
}

/** Cinder's metadata API for one resource: list, merge (POST), replace (PUT), one key at a time. */
export function resourceMetadataRoutes(o: MetadataOwner) {
  const url = `${o.url}/metadata`;
  const code = `volume.${o.noun.toLowerCase()}`;
  const idOf = (ctx: RequestContext) => ctx.params[o.idParam]!;
  const notFound = (id: string, key: string) =>
    new NotFoundError(`${code}.metadata_not_found`, `${o.noun} ${id} has no metadata with key ${key}.`);
  const change = async (ctx: RequestContext, deps: VolumeDeps, f: (cur: Metadata) => Metadata) =>
    (await o.change(deps, volumeCallerOf(ctx), idOf(ctx), f)).metadata;
  const common = { target: o.target, successStatus: 200 as const, expectedErrors: [404 as const] };

  return [
    route<VolumeDeps>({
      ...common,
      method: 'GET',
      url,
      policy: o.policy.get,
      response: metadataResponse,
      handler: async (ctx, deps) => ({
        metadata: (await o.read(deps, volumeCallerOf(ctx), idOf(ctx))).metadata,
      }),
    }),
    route<VolumeDeps, typeof metadataBody>({
      ...common,
      method: 'POST',
      url,
      policy: o.policy.create,
      body: metadataBody,
      response: metadataResponse,
      handler: async (ctx, deps) => ({
        metadata: await change(ctx, deps, (cur) => ({ ...cur, ...ctx.body.metadata })),
      }),
    }),
    route<VolumeDeps, typeof metadataBody>({
      ...common,
      method: 'PUT',
      url,
      policy: o.policy.update,
      body: metadataBody,
      response: metadataResponse,
      handler: async (ctx, deps) => ({ metadata: await change(ctx, deps, () => ctx.body.metadata) }),
    }),
    route<VolumeDeps>({
      ...common,
      method: 'GET',
      url: `${url}/:key`,
      policy: o.policy.get,
      response: metaItemResponse,
      handler: async (ctx, deps) => {
        const { metadata } = await o.read(deps, volumeCallerOf(ctx), idOf(ctx));
        const key = ctx.params['key']!;
        if (!(key in metadata)) throw notFound(idOf(ctx), key);
        return { meta: { [key]: metadata[key] } };
      },
    }),
    route<VolumeDeps, typeof metaItemBody>({
      ...common,
      method: 'PUT',
      url: `${url}/:key`,
      policy: o.policy.update,
      body: metaItemBody,
      response: metaItemResponse,
      handler: async (ctx, deps) => {
        const meta = ctx.body.meta;
        if (!(ctx.params['key']! in meta))
          throw new InputError(`${code}.metadata_mismatch`, 'Request body and URI mismatch');
        if (Object.keys(meta).length > 1)
          throw new InputError(`${code}.metadata_too_many`, 'Request body contains too many items');
        await change(ctx, deps, (cur) => ({ ...cur, ...meta }));
        return { meta };
      },
    }),
    route<VolumeDeps>({
      ...common,
      method: 'DELETE',
      url: `${url}/:key`,
      policy: o.policy.delete,
      response: noBody,
      handler: async (ctx, deps) => {
        const key = ctx.params['key']!;
        await change(ctx, deps, (cur) => {
          if (!(key in cur)) throw notFound(idOf(ctx), key);
          const { [key]: _gone, ...rest } = cur;
          return rest;
        });
        return undefined;
      },
    }),
  ];
}
