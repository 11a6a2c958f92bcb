import { Type } from 'typebox';
import { attachTag } from '../servers/server-attach-tags.js';

/** Nova's volumeAttachment body (tag from 2.49, delete_on_termination from 2.79). */
export const volumeAttachmentCreateBody = Type.Object(
  {
    volumeAttachment: Type.Object(
      {
        volumeId: Type.String({ format: 'uuid', description: 'The volume to attach.' }),
        device: Type.Optional(
          Type.Union(
            [
              Type.String({ pattern: '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$', maxLength: 255 }),
              Type.Null(),
            ],
            { description: 'Guest device name, e.g. /dev/vdb; chosen when omitted.' },
          ),
        ),
        tag: attachTag,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
