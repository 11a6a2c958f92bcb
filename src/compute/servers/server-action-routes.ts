import Type from 'typebox';
import { ConflictError, InputError, NotFoundError } from '../../common/errors.js';
import { respond } from '../../common/http/http-response.js';
import type { Microversion } from '../../common/http/microversion.js';
import { atLeast, rejectFieldsBefore, rejectFieldsFrom } from '../../common/http/microversion.js';
import { nameFormat } from '../../common/http/name-format.js';
import type { RequestContext, RouteSpec } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import { compileValidator } from '../../common/http/validation.js';
import type { ComputeDeps } from '../compute-deps.js';
import { accessIpColumns } from './server-access-ip.js';
import { checkVolumeBackedRebuild } from '../block-devices/volume-backed-rebuild.js';
import { callerOf, serverTarget } from './server-caller.js';
import type { Caller } from './server-inputs.js';
import { checkUserData, resolveImage, resolveKey } from './server-inputs.js';
import type { ServerAction } from './server-machine.js';
import type { Server } from './server-model.js';
import { confirmResize, resizeServer, revertResize } from './server-resize.js';
import { findServer, setLock, startServerAction } from './server-service.js';
import { createSnapshotImage, discardSnapshotImage } from './snapshot-image.js';
import { resetServerState, resetStateBody } from './server-reset-state.js';
import { getServerWithTags } from './server-store.js';
import { serverCoreView } from './server-view.js';
import { randomToken } from '../../common/ids.js';
import { serverViewContext } from './server-view-context.js';
import { serverDescription } from './server-schemas.js';
import { securityGroupActions } from '../networking/server-security-group-routes.js';
import { fixedIpActions } from '../networking/server-fixed-ip-routes.js';
import { consoleActions, consoleActionsRemovedAt } from '../consoles/console-actions.js';
import { serverActionResponse } from './server-response-schemas.js';

type Handler = (ctx: RequestContext, deps: ComputeDeps, s: Server, body: unknown) => Promise<unknown>;

/** A plain agent action: policy rule, state-table action, Nova's name for it. */
const simple = (rule: string, action: ServerAction, novaName: string): [string, Handler] => [
  rule,
  async (ctx, deps, s) =>
    startServerAction(deps, s, action, { caller: callerOf(ctx), requestId: ctx.requestId, novaName }),
];

const rebootBody = compileValidator(
  Type.Object({
    type: Type.Union([
      Type.Literal('SOFT'),
      Type.Literal('HARD'),
      Type.Literal('soft'),
      Type.Literal('hard'),
    ]),
  }),
);
const rebuildBody = compileValidator(
  Type.Object(
    {
      imageRef: Type.String(),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
      description: Type.Optional(serverDescription),
      adminPass: Type.Optional(Type.String()),
      metadata: Type.Optional(Type.Record(Type.String(), Type.String())),
      accessIPv4: Type.Optional(Type.String()),
      accessIPv6: Type.Optional(Type.String()),
      // 2.54: null drops the server's key pair.
      key_name: Type.Optional(
        Type.Union([Type.String({ minLength: 1, maxLength: 255, format: nameFormat }), Type.Null()]),
      ),
      // 2.57: null clears it; absent keeps it.
      user_data: Type.Optional(Type.Union([Type.String({ maxLength: 65535 }), Type.Null()])),
    },
    { additionalProperties: true },
  ),
);
const resizeBody = compileValidator(
  Type.Object(
    {
      flavorRef: Type.Union([Type.String({ minLength: 1 }), Type.Integer()]),
      'OS-DCF:diskConfig': Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
);
const createImageBody = compileValidator(
  Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 255 }),
      metadata: Type.Optional(Type.Record(Type.String(), Type.String())),
    },
    { additionalProperties: false },
  ),
);
/** 2.17: the action takes no arguments (`{"trigger_crash_dump": null}`). */
const crashDumpBody = compileValidator(Type.Null());
const consoleBody = compileValidator(
  Type.Object(
    { length: Type.Optional(Type.Union([Type.Integer({ minimum: -1 }), Type.String(), Type.Null()])) },
    { additionalProperties: false },
  ),
);

const actions: Readonly<Record<string, [string, Handler]>> = {
  'os-stop': simple('os_compute_api:servers:stop', 'stop', 'stop'),
  'os-start': simple('os_compute_api:servers:start', 'start', 'start'),
  pause: simple('os_compute_api:os-pause-server:pause', 'pause', 'pause'),
  unpause: simple('os_compute_api:os-pause-server:unpause', 'unpause', 'unpause'),
  suspend: simple('os_compute_api:os-suspend-server:suspend', 'suspend', 'suspend'),
  resume: simple('os_compute_api:os-suspend-server:resume', 'resume', 'resume'),
  reboot: [
    'os_compute_api:servers:reboot',
    async (ctx, deps, s, body) => {
      const hard =
        (rebootBody({ ...(body as object) }, 'body') as { type: string }).type.toUpperCase() === 'HARD';
      await startServerAction(deps, s, hard ? 'reboot_hard' : 'reboot_soft', {
        caller: callerOf(ctx),
        requestId: ctx.requestId,
        novaName: 'reboot',
      });
    },
  ],
  lock: [
    'os_compute_api:os-lock-server:lock',
    (ctx, deps, s) => setLock(deps, callerOf(ctx), s, true, null, ctx.requestId),
  ],
  unlock: [
    'os_compute_api:os-lock-server:unlock',
    (ctx, deps, s) => setLock(deps, callerOf(ctx), s, false, null, ctx.requestId),
  ],
  rebuild: ['os_compute_api:servers:rebuild', rebuild],
  resize: [
    'os_compute_api:servers:resize',
    async (ctx, deps, s, body) => {
      const b = resizeBody(body ?? {}, 'body') as { flavorRef: string | number };
      await resizeServer(deps, callerOf(ctx), s, String(b.flavorRef), ctx.requestId);
    },
  ],
  confirmResize: [
    'os_compute_api:servers:confirm_resize',
    async (ctx, deps, s) => {
      await confirmResize(deps, callerOf(ctx), s, ctx.requestId);
      return respond(undefined, { status: 204 });
    },
  ],
  revertResize: [
    'os_compute_api:servers:revert_resize',
    (ctx, deps, s) => revertResize(deps, callerOf(ctx), s, ctx.requestId),
  ],
  createImage: ['os_compute_api:servers:create_image', createImage],
  trigger_crash_dump: [
    'os_compute_api:servers:trigger_crash_dump',
    async (ctx, deps, s, body) => {
      crashDumpBody(body, 'body');
      await startServerAction(deps, s, 'trigger_crash_dump', {
        caller: callerOf(ctx),
        requestId: ctx.requestId,
        novaName: 'trigger_crash_dump',
      });
    },
  ],
  'os-getConsoleOutput': ['os_compute_api:os-console-output', consoleOutput],
  'os-resetState': [
    'os_compute_api:os-admin-actions:reset_state',
    async (ctx, deps, s, body) => {
      const { state } = resetStateBody(body ?? {}, 'body') as { state: 'active' | 'error' };
      await resetServerState(deps, callerOf(ctx), s, state, ctx.requestId);
    },
  ],
  ...securityGroupActions,
  ...fixedIpActions,
  ...consoleActions,
};

async function rebuild(ctx: RequestContext, deps: ComputeDeps, s: Server, body: unknown) {
  const b = rebuildBody(body ?? {}, 'body') as {
    imageRef: string;
    name?: string;
    description?: string | null;
    metadata?: Record<string, string>;
    adminPass?: string;
    accessIPv4?: string;
    accessIPv6?: string;
    key_name?: string | null;
    user_data?: string | null;
  };
  const mv = ctx.microversion;
  rejectFieldsBefore(mv, [2, 19], 'rebuild', b, ['description']);
  rejectFieldsBefore(mv, [2, 54], 'rebuild', b, ['key_name']);
  rejectFieldsBefore(mv, [2, 57], 'rebuild', b, ['user_data']);
  rejectFieldsFrom(mv, [2, 57], 'rebuild', b, ['personality']);
  const accessIps = accessIpColumns(b);
  const caller = callerOf(ctx);
  const image = await resolveImage(deps, b.imageRef, caller, s.flavor);
  const volumeBacked = await checkVolumeBackedRebuild(deps, caller, s, image.id);
  const extra = {
    ...(!volumeBacked && { image_id: image.id }),
    ...(b.name !== undefined && { name: b.name }),
    ...(b.description !== undefined && { description: b.description }),
    ...(b.metadata !== undefined && { metadata: JSON.stringify(b.metadata) }),
    ...accessIps,
    ...(await rebuildKey(deps, caller, b.key_name)),
    ...(b.user_data !== undefined && { user_data: checkUserData(b.user_data ?? undefined) }),
  };
  await startServerAction(deps, s, 'rebuild', {
    caller,
    requestId: ctx.requestId,
    novaName: 'rebuild',
    extra,
  });
  const fresh = (await getServerWithTags(deps.store.db, s.id))!;
  return respond(
    {
      server: {
        ...serverCoreView(fresh, await serverViewContext(ctx, deps, [fresh]), false),
        ...(atLeast(mv, [2, 54]) && { key_name: fresh.keyName }),
        // As create: Nova generates one when the caller gives none.
        adminPass: b.adminPass ?? randomToken(9),
        ...(atLeast(mv, [2, 57]) && { user_data: fresh.userData }),
      },
    },
    { status: 202 },
  );
}

/** 2.54: a named key pair (the caller's) replaces the server's; null removes it. */
async function rebuildKey(deps: ComputeDeps, caller: Caller, keyName: string | null | undefined) {
  if (keyName === undefined) return {};
  if (keyName === null) return { key_name: null, key_data: null };
  return { key_name: keyName, key_data: await resolveKey(deps, keyName, caller) };
}

/**
 * Reserves a queued image, then the agent snapshots into it. Nova returns the image URL in
 * Location, and from 2.45 `{"image_id": ...}` in the body instead.
 */
async function createImage(ctx: RequestContext, deps: ComputeDeps, s: Server, body: unknown) {
  const b = createImageBody(body ?? {}, 'body') as { name: string; metadata?: Record<string, string> };
  const image = await createSnapshotImage(deps, s, b);
  try {
    await startServerAction(deps, s, 'create_image', {
      caller: callerOf(ctx),
      requestId: ctx.requestId,
      novaName: 'createImage',
      extra: { pending_image_id: image.id },
    });
  } catch (err) {
    // Refused (locked, wrong state, a race): nothing may stay behind.
    await discardSnapshotImage(deps, image.id);
    throw err;
  }
  if (atLeast(ctx.microversion, [2, 45])) return respond({ image_id: image.id }, { status: 202 });
  return respond(undefined, {
    status: 202,
    headers: { location: `${ctx.serviceUrl.replace(/\/compute$/, '/image')}/v2/images/${image.id}` },
  });
}

async function consoleOutput(_ctx: RequestContext, deps: ComputeDeps, s: Server, body: unknown) {
  const b = consoleBody(body ?? {}, 'body') as { length?: number | string | null };
  const length =
    b.length === undefined || b.length === null || Number(b.length) === -1 ? undefined : Number(b.length);
  if (length !== undefined && !Number.isInteger(length))
    throw new InputError('compute.console.bad_length', 'length must be an integer');
  // Nova answers InstanceNotReady with 409, as any action in the wrong state.
  if (s.host === null || s.vmState === 'building')
    throw new ConflictError('compute.console.not_ready', `Instance ${s.id} is not ready`);
  return respond({ output: await deps.consoles.consoleLog(s.host, s.id, length) }, { status: 200 });
}

/** Actions that exist only from a microversion on; below it Nova has no such action. */
const actionSince: Readonly<Record<string, Microversion>> = { trigger_crash_dump: [2, 17] };

/** Actions removed at a microversion: from it on Nova answers 404 (VersionNotFoundForAPIMethod). */
const actionRemovedAt: Readonly<Record<string, Microversion>> = {
  addFixedIp: [2, 44],
  removeFixedIp: [2, 44],
  addFloatingIp: [2, 44],
  removeFloatingIp: [2, 44],
  ...consoleActionsRemovedAt,
};

const actionBody = Type.Record(Type.String(), Type.Unknown(), {
  minProperties: 1,
  maxProperties: 1,
  description: 'One action and its arguments.',
});

export const serverActionRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps, typeof actionBody>({
    method: 'POST',
    url: '/v2.1/servers/:server_id/action',
    // The rule depends on which action the body names; the handler enforces it (Nova does the same per action).
    target: serverTarget,
    body: actionBody,
    successStatus: 202,
    response: serverActionResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const [name, arg] = Object.entries(ctx.body as Record<string, unknown>)[0]!;
      const entry = actions[name];
      const since = actionSince[name];
      // A removed action is 404 whether or not Strata served it below (the floating ip ones it never did).
      const removed = actionRemovedAt[name];
      if (removed !== undefined && atLeast(ctx.microversion, removed))
        throw new NotFoundError('compute.server.action_version', 'The resource could not be found.');
      if (entry === undefined || (since !== undefined && !atLeast(ctx.microversion, since)))
        throw new InputError('compute.server.no_such_action', `There is no such action: ${name}`);
      const s = await findServer(deps, callerOf(ctx), ctx.params['server_id']!);
      ctx.authorize(entry[0], { project_id: s.projectId, user_id: s.userId });
      return entry[1](ctx, deps, s, arg);
    },
  }),
];
