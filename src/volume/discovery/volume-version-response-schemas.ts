import Type from 'typebox';
import { links, str, strict } from '../../common/http/response-schemas.js';

/** Cinder's version documents (api-ref "API versions"; tempest's volume versions schema). */
const version = strict({
  id: str,
  status: str,
  version: str,
  min_version: str,
  updated: str,
  links,
  'media-types': Type.Array(strict({ base: str, type: str })),
});

export const volumeVersionListResponse = strict({ versions: Type.Array(version) });
