import { InputError } from '../../common/errors.js';
import type { Microversion } from '../../common/http/microversion.js';
import { rejectFieldsBefore } from '../../common/http/microversion.js';
import Type from 'typebox';

/** Nova's device tag on an attach body (2.49): up to 60 characters, no comma or slash. */
export const attachTag = Type.Optional(
  Type.String({ maxLength: 60, pattern: '^[^,/]*$', description: 'Device tag (microversion 2.49).' }),
);

/**
 * 2.49 tagged attach. Below it `tag` is an unexpected field. From it the body takes one,
 * but Strata's drivers do not publish device tags to the guest (its metadata lists no
 * devices), so a tag is refused with the 400 Nova gives for a driver without tagged attach.
 */
export function refuseAttachTag(
  mv: Microversion | undefined,
  path: 'volumeAttachment' | 'interfaceAttachment',
  body: Readonly<Record<string, unknown>>,
): void {
  rejectFieldsBefore(mv, [2, 49], path, body, ['tag']);
  if (body['tag'] === undefined) return;
  throw path === 'volumeAttachment'
    ? new InputError(
        'compute.volume_attachment.tag_unsupported',
        'Tagged volume attachment is not supported for this server instance.',
      )
    : new InputError(
        'compute.interface.tag_unsupported',
        'Tagged network interface attachment is not supported for this server instance.',
      );
}
