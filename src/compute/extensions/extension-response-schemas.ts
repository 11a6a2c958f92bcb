import Type from 'typebox';
import { str, strict } from '../../common/http/response-schemas.js';

/** Nova's extension documents (api-ref "Extensions"): links is always an empty list. */

const extension = strict({
  alias: str,
  description: str,
  links: Type.Array(Type.Never()),
  name: str,
  namespace: str,
  updated: str,
});

export const extensionListResponse = strict({ extensions: Type.Array(extension) });
export const extensionShowResponse = strict({ extension });
