import Type from 'typebox';
import { nullableStr, str, strict } from '../../common/http/response-schemas.js';

/**
 * Cinder's attachment bodies (api-ref "Attachments", cinder/api/v3/views/attachments.py),
 * served from 3.27 on and the same at every later version; lists have no paging links.
 */
const summary = { id: str, status: str, instance: nullableStr, volume_id: str };

const detail = strict({
  ...summary,
  // '' while unset, as Cinder writes it.
  attached_at: str,
  detached_at: str,
  attach_mode: nullableStr,
  connection_info: Type.Union([Type.Record(str, Type.Unknown()), Type.Null()]),
});

export const attachmentListResponse = strict({ attachments: Type.Array(strict(summary)) });

export const attachmentDetailListResponse = strict({ attachments: Type.Array(detail) });

export const attachmentResponse = strict({ attachment: detail });
