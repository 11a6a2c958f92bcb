import Type from 'typebox';
import { nullableStr, str, strict } from '../../common/http/response-schemas.js';

/**
 * Nova's volume attachments up to 2.69 (api-ref "Servers with volume attachments"): 2.49
 * accepts a `tag` on attach but shows none; `tag`, `delete_on_termination` (2.79) and
 * `attachment_id` (2.89) are above Strata's ceiling.
 */
const volumeAttachment = strict({ id: str, serverId: str, volumeId: str, device: nullableStr });

export const volumeAttachmentListResponse = strict({ volumeAttachments: Type.Array(volumeAttachment) });
export const volumeAttachmentShowResponse = strict({ volumeAttachment });
