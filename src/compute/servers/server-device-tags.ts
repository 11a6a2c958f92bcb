import type { Microversion } from '../../common/http/microversion.js';
import { inMicroversionRange, rejectFieldsBefore } from '../../common/http/microversion.js';
import type { ServerCreateRequest } from './server-schemas.js';

type Body = ServerCreateRequest['server'];

/**
 * Device tags at boot, by microversion as Nova's schemas take them: on networks from 2.32
 * to 2.36 and on block devices at 2.32 only (a bug dropped them), on both again from 2.42.
 * Elsewhere `tag` is an unexpected field.
 */
export function checkDeviceTags(body: Body, mv: Microversion | undefined): void {
  const networksTagged = inMicroversionRange(mv ?? [2, 1], [2, 32], [2, 36]);
  const devicesTagged = inMicroversionRange(mv ?? [2, 1], [2, 32], [2, 32]);
  const restored: Microversion = [2, 42];
  if (Array.isArray(body.networks) && !networksTagged)
    body.networks.forEach((n, i) => rejectFieldsBefore(mv, restored, `server/networks/${i}`, n, ['tag']));
  if (!devicesTagged)
    (body.block_device_mapping_v2 ?? []).forEach((d, i) =>
      rejectFieldsBefore(mv, restored, `server/block_device_mapping_v2/${i}`, d, ['tag']),
    );
}
