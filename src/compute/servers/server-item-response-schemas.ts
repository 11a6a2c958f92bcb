import Type from 'typebox';
import { str, strict, stringMap } from '../../common/http/response-schemas.js';

/** Server metadata and tags (api-ref "Server metadata", "Server tags"). */

export const metadataResponse = strict({ metadata: stringMap });

/** One item: `{"meta": {"<key>": "<value>"}}`. */
export const metadataItemResponse = strict({
  meta: Type.Record(str, str, { minProperties: 1, maxProperties: 1 }),
});

export const tagsResponse = strict({ tags: Type.Array(str) });
