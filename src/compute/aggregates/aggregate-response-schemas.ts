import Type from 'typebox';
import {
  bool,
  byMicroversion,
  int,
  nullableStr,
  str,
  strict,
  stringMap,
} from '../../common/http/response-schemas.js';

/** Nova's aggregate bodies (api-ref "Host aggregates"; tempest's aggregates schema): `uuid` from 2.41. */

function aggregate(since: (v: string) => boolean, withMembers: boolean) {
  return strict({
    availability_zone: nullableStr,
    created_at: str,
    deleted: bool,
    deleted_at: nullableStr,
    ...(withMembers && { hosts: Type.Array(str), metadata: stringMap }),
    id: int,
    name: str,
    updated_at: nullableStr,
    ...(since('2.41') && { uuid: str }),
  });
}

export const aggregateListResponse = byMicroversion(['2.41'], (since) =>
  strict({ aggregates: Type.Array(aggregate(since, true)) }),
);

/** Create answers without hosts and metadata. */
export const aggregateCreateResponse = byMicroversion(['2.41'], (since) =>
  strict({ aggregate: aggregate(since, false) }),
);

/** Show, update and every action answer with the whole aggregate. */
export const aggregateShowResponse = byMicroversion(['2.41'], (since) =>
  strict({ aggregate: aggregate(since, true) }),
);
