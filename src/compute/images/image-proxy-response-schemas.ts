import Type from 'typebox';
import { int, links, str, strict, stringMap } from '../../common/http/response-schemas.js';

/** Nova's images proxy (api-ref "Images (DEPRECATED)", served up to 2.35). */

const imageSummary = strict({ id: str, name: str, links });

const imageDetail = strict({
  id: str,
  name: str,
  minRam: int,
  minDisk: int,
  metadata: stringMap,
  created: str,
  updated: str,
  status: str,
  progress: int,
  // null while the image has no data yet.
  'OS-EXT-IMG-SIZE:size': Type.Union([int, Type.Null()]),
  links,
  // A snapshot names the server it was taken from.
  server: Type.Optional(strict({ id: str, links })),
  'OS-DCF:diskConfig': Type.Optional(Type.Union([Type.Literal('AUTO'), Type.Literal('MANUAL')])),
});

const page = { images_links: Type.Optional(links) };

export const imageListResponse = strict({ images: Type.Array(imageSummary), ...page });
export const imageDetailListResponse = strict({ images: Type.Array(imageDetail), ...page });
export const imageShowResponse = strict({ image: imageDetail });

export const imageMetadataResponse = strict({ metadata: stringMap });
/** One key: `{meta: {key: value}}`. */
export const imageMetaItemResponse = strict({
  meta: Type.Record(str, str, { minProperties: 1, maxProperties: 1 }),
});
