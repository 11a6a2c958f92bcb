import Type from 'typebox';
import { str, strict } from '../../common/http/response-schemas.js';

/** Neutron's API root, its v2.0 resource list and its extension list. */

const selfLinks = Type.Array(strict({ rel: str, href: str }));

export const versionListResponse = strict({
  versions: Type.Array(strict({ id: str, status: str, links: selfLinks })),
});

export const resourceListResponse = strict({
  resources: Type.Array(strict({ name: str, collection: str, links: selfLinks })),
});

const extension = strict({
  name: str,
  alias: str,
  description: str,
  updated: str,
  links: Type.Array(strict({ rel: str, href: str })),
});

export const extensionListResponse = strict({ extensions: Type.Array(extension) });
export const extensionResponse = strict({ extension });
