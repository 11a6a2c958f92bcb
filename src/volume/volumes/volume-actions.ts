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
import { parseCinderBoolean } from '../types/volume-type-schemas.js';
import { forceDeleteVolume, forceDetachVolume, resetVolumeStatus } from './volume-admin-actions.js';
import { extendVolume } from './volume-extend.js';
import {
  setBootable,
  setImageMetadata,
  showImageMetadata,
  unsetImageMetadata,
  updateReadonlyFlag,
} from './volume-flag-actions.js';
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
  const admin = await runAdminAction(ctx, deps, target);
  if (admin !== notThisOne) return admin;
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

const notThisOne = Symbol('not an admin or flag action');
const adminRule = (name: string) => `volume_extension:volume_admin_actions:${name}`;
const imageRule = (name: string) => `volume_extension:volume_image_metadata:${name}`;

/** Cinder's admin actions (admin-only by default) and the flag and image-metadata actions. */
async function runAdminAction(
  ctx: RequestContext<ActionBody>,
  deps: VolumeDeps,
  target: Record<string, string>,
): Promise<unknown> {
  const b = ctx.body;
  const caller = volumeCallerOf(ctx);
  const id = ctx.params['volume_id']!;
  if ('os-reset_status' in b) {
    ctx.authorize(adminRule('reset_status'), target);
    return resetVolumeStatus(deps, caller, id, b['os-reset_status']);
  }
  if ('os-force_delete' in b) {
    ctx.authorize(adminRule('force_delete'), target);
    return forceDeleteVolume(deps, caller, id);
  }
  if ('os-force_detach' in b) {
    ctx.authorize(adminRule('force_detach'), target);
    return forceDetachVolume(deps, caller, id, b['os-force_detach']?.attachment_id ?? null);
  }
  if ('os-set_bootable' in b) {
    ctx.authorize('volume:update', target);
    await setBootable(deps, caller, id, parseCinderBoolean(b['os-set_bootable'].bootable));
    return respond(undefined, { status: 200 });
  }
  if ('os-update_readonly_flag' in b) {
    ctx.authorize('volume:update_readonly_flag', target);
    return updateReadonlyFlag(deps, caller, id, parseCinderBoolean(b['os-update_readonly_flag'].readonly));
  }
  if ('os-set_image_metadata' in b) {
    ctx.authorize(imageRule('set'), target);
    const metadata = await setImageMetadata(deps, caller, id, b['os-set_image_metadata'].metadata);
    return respond({ metadata }, { status: 200 });
  }
  if ('os-unset_image_metadata' in b) {
    ctx.authorize(imageRule('remove'), target);
    await unsetImageMetadata(deps, caller, id, b['os-unset_image_metadata'].key);
    return respond(undefined, { status: 200 });
  }
  if ('os-show_image_metadata' in b) {
    ctx.authorize(imageRule('show'), target);
    return respond({ metadata: await showImageMetadata(deps, caller, id) }, { status: 200 });
  }
  return notThisOne;
}
