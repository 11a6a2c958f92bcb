import Type from 'typebox';
import { links, str, strict } from '../common/http/response-schemas.js';

/** Nova's version documents (api-ref "API Versions"; tempest's versions schema). */

const versionCore = {
  id: str,
  status: str,
  version: str,
  min_version: str,
  updated: str,
  links,
};

export const computeVersionListResponse = strict({ versions: Type.Array(strict(versionCore)) });

export const computeVersionShowResponse = strict({
  version: strict({ ...versionCore, 'media-types': Type.Array(strict({ base: str, type: str })) }),
});
