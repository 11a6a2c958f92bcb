import Type from 'typebox';
import {
  bool,
  byMicroversion,
  int,
  links,
  nullableStr,
  str,
  strict,
} from '../../common/http/response-schemas.js';

/** Nova's key pair bodies (api-ref "Keypairs"): `type` from 2.2, paging links from 2.35. */

const typed = (since: (v: string) => boolean) =>
  since('2.2') ? { type: str } : ({} as Record<string, never>);

export const keypairListResponse = byMicroversion(['2.2', '2.35'], (since) =>
  strict({
    keypairs: Type.Array(
      strict({ keypair: strict({ name: str, public_key: str, fingerprint: str, ...typed(since) }) }),
    ),
    ...(since('2.35') && { keypairs_links: Type.Optional(links) }),
  }),
);

export const keypairCreateResponse = byMicroversion(['2.2'], (since) =>
  strict({
    keypair: strict({
      // Only for a pair Nova generated.
      private_key: Type.Optional(str),
      name: str,
      public_key: str,
      fingerprint: str,
      user_id: str,
      ...typed(since),
    }),
  }),
);

/** The show body is Nova's row: the index fields plus `user_id`, the row `id` and timestamps. */
export const keypairShowResponse = byMicroversion(['2.2'], (since) =>
  strict({
    keypair: strict({
      id: int,
      name: str,
      public_key: str,
      fingerprint: str,
      user_id: str,
      created_at: str,
      deleted: bool,
      deleted_at: nullableStr,
      updated_at: nullableStr,
      ...typed(since),
    }),
  }),
);
