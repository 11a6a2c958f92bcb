import { Type } from 'typebox';
import type { HostRegistration, StepOutcome } from '../../agent/transport/control-plane.js';
import { NotFoundError } from '../../common/errors.js';
import type { RouteSpec } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';

const policy = 'strata:agent';
/** Host agents authenticate with a service credential (admin, or the `service` role). */
export const agentApiPolicy: Readonly<Record<string, string>> = { [policy]: 'role:admin or role:service' };

const base = '/agent/v1/hosts/:hostname';
const longPollMaxMs = 25_000;

/** Shapes are checked loosely here: the agent and the control plane are the same program. */
const registration = Type.Object({
  hostname: Type.String({ minLength: 1, maxLength: 255 }),
  driver: Type.String({ minLength: 1 }),
  availabilityZone: Type.String({ minLength: 1 }),
  facts: Type.Object({
    vcpus: Type.Integer({ minimum: 0 }),
    memoryMb: Type.Integer({ minimum: 0 }),
    diskGb: Type.Integer({ minimum: 0 }),
    traits: Type.Array(Type.String()),
    details: Type.Record(Type.String(), Type.Unknown()),
  }),
  reserved: Type.Object({
    vcpus: Type.Integer({ minimum: 0 }),
    memoryMb: Type.Integer({ minimum: 0 }),
    diskGb: Type.Integer({ minimum: 0 }),
  }),
});
const outcomeBody = Type.Object({
  generation: Type.Integer(),
  outcome: Type.Object(
    {
      kind: Type.Union([
        Type.Literal('done'),
        Type.Literal('failed'),
        Type.Literal('destroyed'),
        Type.Literal('observed'),
      ]),
    },
    { additionalProperties: true },
  ),
});

const consoleReply = Type.Object({
  output: Type.Optional(Type.String({ maxLength: 16 * 1024 * 1024 })),
  error: Type.Optional(Type.String({ maxLength: 4096 })),
});
const idsBody = Type.Object({ servers: Type.Array(Type.String(), { maxItems: 10_000 }) });
const changesQuery = Type.Object({
  after: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  wait_ms: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
});

/**
 * The control plane over HTTP, for `strata agent` on other hosts: the same calls the
 * in-process agents make (src/agent/transport/control-plane.ts), plus a long poll for
 * change notices. Not part of Nova's API; mounted beside it at /compute/agent/v1.
 */
export const agentApiRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps, typeof registration>({
    method: 'PUT',
    url: base,
    policy,
    body: registration,
    successStatus: 204,
    expectedErrors: [409],
    handler: async (ctx, deps) => {
      await deps
        .controlPlane()
        .registerHost({ ...(ctx.body as HostRegistration), hostname: ctx.params['hostname']! });
      return undefined;
    },
  }),
  route<ComputeDeps>({
    method: 'POST',
    url: `${base}/heartbeat`,
    policy,
    successStatus: 204,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      await deps.controlPlane().heartbeat(ctx.params['hostname']!);
      return undefined;
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${base}/servers`,
    policy,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => ({
      servers: await deps.controlPlane().listAssigned(ctx.params['hostname']!),
    }),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${base}/servers/:server_id`,
    policy,
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const s = await deps.controlPlane().getAssigned(ctx.params['hostname']!, ctx.params['server_id']!);
      if (s === undefined)
        throw new NotFoundError('compute.agent.not_assigned', 'Server not assigned to this host.');
      return { server: s };
    },
  }),
  route<ComputeDeps, typeof outcomeBody>({
    method: 'POST',
    url: `${base}/servers/:server_id/outcome`,
    policy,
    body: outcomeBody,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => ({
      accepted: await deps
        .controlPlane()
        .report(
          ctx.params['hostname']!,
          ctx.params['server_id']!,
          ctx.body.generation,
          ctx.body.outcome as StepOutcome,
        ),
    }),
  }),
  route<ComputeDeps, typeof idsBody>({
    method: 'POST',
    url: '/agent/v1/deleted-servers',
    policy,
    body: idsBody,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => ({ servers: await deps.controlPlane().deletedAmong(ctx.body.servers) }),
  }),
  route<ComputeDeps, typeof consoleReply>({
    method: 'POST',
    url: `${base}/console-requests/:request_id`,
    policy,
    body: consoleReply,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const b = ctx.body;
      const reply = {
        ...(b.output !== undefined && { output: b.output }),
        ...(b.error !== undefined && { error: b.error }),
      };
      if (!deps.controlPlane().answerConsole(ctx.params['request_id']!, reply))
        throw new NotFoundError(
          'compute.agent.no_console_request',
          'No console request is waiting for this reply.',
        );
      return undefined;
    },
  }),
  route<ComputeDeps, undefined, typeof changesQuery>({
    method: 'GET',
    url: `${base}/changes`,
    policy,
    query: changesQuery,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const waitMs = Math.min(Number(ctx.query.wait_ms ?? 0), longPollMaxMs);
      return deps.controlPlane().changes.since(ctx.params['hostname']!, Number(ctx.query.after ?? 0), waitMs);
    },
  }),
];
