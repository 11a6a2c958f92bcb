import Type from 'typebox';
import { InputError } from '../../common/errors.js';
import type { RequestContext, RouteSpec } from '../../common/http/route-spec.js';
import { noBody, route } from '../../common/http/route-spec.js';
import {
  aggregateCreateResponse,
  aggregateListResponse,
  aggregateShowResponse,
} from './aggregate-response-schemas.js';
import { compileValidator } from '../../common/http/validation.js';
import type { ComputeDeps } from '../compute-deps.js';
import { addHost, removeHost } from './aggregate-membership.js';
import {
  addHostBody,
  aggregateCreateBody,
  aggregateUpdateBody,
  removeHostBody,
  setMetadataBody,
} from './aggregate-schemas.js';
import * as service from './aggregate-service.js';
import type { Aggregate } from './aggregate-store.js';
import { aggregateView } from './aggregate-view.js';

const base = '/v2.1/os-aggregates';
const rule = (action: string) => `os_compute_api:os-aggregates:${action}`;
const noTarget = () => ({});
const idOf = (ctx: RequestContext) => service.aggregateId(ctx.params['aggregate_id']!);
const reply = (ctx: RequestContext, a: Aggregate) => ({ aggregate: aggregateView(a, ctx.microversion) });

type ActionHandler = (ctx: RequestContext, deps: ComputeDeps, body: never) => Promise<Aggregate>;

/** The three actions, each with its own body schema (validated whole, as Nova does per action). */
const actions: Readonly<Record<string, { validate: (b: unknown) => unknown; run: ActionHandler }>> = {
  add_host: {
    validate: (b) => compiledAddHost(b, 'body'),
    run: (ctx, deps, b: { add_host: { host: string } }) => addHost(deps, idOf(ctx), b.add_host.host),
  },
  remove_host: {
    validate: (b) => compiledRemoveHost(b, 'body'),
    run: (ctx, deps, b: { remove_host: { host: string } }) =>
      removeHost(deps, ctx.params['aggregate_id']!, idOf(ctx), b.remove_host.host),
  },
  set_metadata: {
    validate: (b) => compiledSetMetadata(b, 'body'),
    run: (ctx, deps, b: { set_metadata: { metadata: Record<string, string | null> } }) =>
      service.setMetadata(deps, idOf(ctx), b.set_metadata.metadata),
  },
};
const compiledAddHost = compileValidator(addHostBody);
const compiledRemoveHost = compileValidator(removeHostBody);
const compiledSetMetadata = compileValidator(setMetadataBody);

const actionBody = Type.Record(Type.String(), Type.Unknown(), {
  minProperties: 1,
  description: 'One action (add_host, remove_host or set_metadata) and its arguments.',
});

/** os-aggregates: admin-only host aggregates; a zone in the metadata is the hosts' availability zone. */
export const aggregateRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps>({
    method: 'GET',
    url: base,
    policy: rule('index'),
    target: noTarget,
    successStatus: 200,
    response: aggregateListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => ({
      aggregates: (await service.listAggregates(deps)).map((a) => aggregateView(a, ctx.microversion)),
    }),
  }),
  route<ComputeDeps, typeof aggregateCreateBody>({
    method: 'POST',
    url: base,
    policy: rule('create'),
    target: noTarget,
    body: aggregateCreateBody,
    successStatus: 200,
    response: aggregateCreateResponse,
    expectedErrors: [400, 409],
    handler: async (ctx, deps) => {
      const b = ctx.body.aggregate;
      const a = await service.createAggregate(deps, b.name, b.availability_zone);
      return { aggregate: aggregateView(a, ctx.microversion, { created: true }) };
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${base}/:aggregate_id`,
    policy: rule('show'),
    target: noTarget,
    successStatus: 200,
    response: aggregateShowResponse,
    expectedErrors: [400, 404],
    handler: async (ctx, deps) => reply(ctx, await service.showAggregate(deps, idOf(ctx))),
  }),
  route<ComputeDeps, typeof aggregateUpdateBody>({
    method: 'PUT',
    url: `${base}/:aggregate_id`,
    policy: rule('update'),
    target: noTarget,
    body: aggregateUpdateBody,
    successStatus: 200,
    response: aggregateShowResponse,
    expectedErrors: [400, 404, 409],
    handler: async (ctx, deps) => {
      const { name, ...rest } = ctx.body.aggregate;
      const changes = { ...(name !== undefined && { name: name.trim() }), ...rest };
      return reply(ctx, await service.updateAggregate(deps, idOf(ctx), changes));
    },
  }),
  route<ComputeDeps>({
    method: 'DELETE',
    url: `${base}/:aggregate_id`,
    policy: rule('delete'),
    target: noTarget,
    // Nova answers 200 with an empty body here (kept for backwards compatibility).
    successStatus: 200,
    response: noBody,
    expectedErrors: [400, 404],
    handler: async (ctx, deps) => {
      await service.deleteAggregate(deps, idOf(ctx));
      return undefined;
    },
  }),
  route<ComputeDeps, typeof actionBody>({
    method: 'POST',
    url: `${base}/:aggregate_id/action`,
    // The rule depends on the action the body names; the handler enforces it.
    target: noTarget,
    body: actionBody,
    successStatus: 200,
    response: aggregateShowResponse,
    expectedErrors: [400, 404, 409],
    handler: async (ctx, deps) => {
      const name = Object.keys(ctx.body).find((k) => k in actions) ?? Object.keys(ctx.body)[0]!;
      const action = actions[name];
      if (action === undefined)
        throw new InputError('compute.aggregate.no_such_action', `There is no such action: ${name}`);
      const body = action.validate(ctx.body);
      ctx.authorize(rule(name), {});
      return reply(ctx, await action.run(ctx, deps, body as never));
    },
  }),
];
