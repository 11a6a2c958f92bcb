import type { Static } from 'typebox';
import { respond } from '../../common/http/http-response.js';
import { atLeast } from '../../common/http/microversion.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import {
  legacyAttach,
  legacyBeginDetaching,
  legacyDetach,
  legacyInitializeConnection,
  legacyReserve,
  legacyRollDetaching,
  legacyUnreserve,
} from '../attachments/legacy-attach-service.js';
import { volumeCallerOf } from '../volume-caller.js';
import type { VolumeDeps } from '../volume-deps.js';
import { extendVolume } from './volume-extend.js';
import { uploadAction } from './volume-upload-action.js';
import type { volumeActionBody } from './volume-schemas.js';

type ActionBody = Static<typeof volumeActionBody>;
const attachRule = (name: string) => `volume_extension:volume_actions:${name}`;

/** POST /volumes/{id}/action: one action per body, each under its own Cinder policy rule. */
export async function runVolumeAction(
  ctx: RequestContext<ActionBody>,
  deps: VolumeDeps,
  target: Record<string, string>,
): Promise<unknown> {
  const b = ctx.body;
  const caller = volumeCallerOf(ctx);
  const id = ctx.params['volume_id']!;
  if ('os-extend' in b) {
    ctx.authorize('volume:extend', target);
    const inUse = atLeast(ctx.microversion, [3, 42]) && ctx.can('volume:extend_attached_volume', target);
    await extendVolume(deps, caller, id, Number(b['os-extend'].new_size), { inUse });
    return undefined;
  }
  if ('os-volume_upload_image' in b)
    return { 'os-volume_upload_image': await uploadAction(ctx, deps, target, b['os-volume_upload_image']) };
  if ('os-initialize_connection' in b) {
    ctx.authorize(attachRule('initialize_connection'), target);
    const info = await legacyInitializeConnection(deps, caller, id, b['os-initialize_connection'].connector);
    return respond({ connection_info: info }, { status: 200 });
  }
  if ('os-terminate_connection' in b) {
    // Nothing is exported per connector here, so there is nothing to tear down.
    ctx.authorize(attachRule('terminate_connection'), target);
    return undefined;
  }
  if ('os-attach' in b) {
    ctx.authorize(attachRule('attach'), target);
    const a = b['os-attach'];
    await legacyAttach(deps, caller, id, {
      instanceUuid: a.instance_uuid ?? null,
      hostName: a.host_name ?? null,
      mountpoint: a.mountpoint,
      mode: a.mode ?? null,
    });
    return undefined;
  }
  if ('os-detach' in b) {
    ctx.authorize(attachRule('detach'), target);
    await legacyDetach(deps, caller, id, b['os-detach']?.attachment_id ?? null);
    return undefined;
  }
  const steps = [
    ['os-reserve', 'reserve', legacyReserve],
    ['os-unreserve', 'unreserve', legacyUnreserve],
    ['os-begin_detaching', 'begin_detaching', legacyBeginDetaching],
    ['os-roll_detaching', 'roll_detaching', legacyRollDetaching],
  ] as const;
  for (const [key, rule, run] of steps)
    if (key in b) {
      ctx.authorize(attachRule(rule), target);
      await run(deps, caller, id);
    }
  return undefined;
}
