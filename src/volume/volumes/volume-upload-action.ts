import type { Static } from 'typebox';
import { InputError } from '../../common/errors.js';
import { atLeast } from '../../common/http/microversion.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { volumeCallerOf } from '../volume-caller.js';
import type { VolumeDeps } from '../volume-deps.js';
import type { volumeUploadImageBody } from './volume-schemas.js';
import { uploadVolumeImage } from './volume-upload.js';

type UploadBody = Static<typeof volumeUploadImageBody>;

/** os-volume_upload_image; visibility and protected from 3.1, public images need their own rule. */
export async function uploadAction(
  ctx: RequestContext,
  deps: VolumeDeps,
  target: Record<string, string>,
  b: UploadBody,
) {
  ctx.authorize('volume_extension:volume_actions:upload_image', target);
  const v31 = atLeast(ctx.microversion, [3, 1]);
  const visibility = v31 ? b.visibility : undefined;
  if (visibility === 'public') ctx.authorize('volume_extension:volume_actions:upload_public', target);
  return uploadVolumeImage(deps, volumeCallerOf(ctx), ctx.params['volume_id']!, {
    imageName: b.image_name,
    force: b.force === undefined ? false : strictBool(b.force),
    diskFormat: b.disk_format ?? 'raw',
    containerFormat: b.container_format ?? 'bare',
    ...(visibility !== undefined && { visibility }),
    ...(v31 && b.protected !== undefined && { protected: strictBool(b.protected) }),
  });
}

const trueWords = ['1', 't', 'true', 'on', 'y', 'yes'];
const falseWords = ['0', 'f', 'false', 'off', 'n', 'no'];

/** oslo's bool_from_string(strict=True), with Cinder's 400 for anything else. */
function strictBool(v: boolean | string): boolean {
  if (typeof v === 'boolean') return v;
  const s = v.trim().toLowerCase();
  if (trueWords.includes(s)) return true;
  if (falseWords.includes(s)) return false;
  throw new InputError(
    'volume.bad_boolean',
    `Unrecognized value '${v}', acceptable values are: '${[...trueWords, ...falseWords].sort().join("', '")}'`,
  );
}
