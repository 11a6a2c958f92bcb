import Type from 'typebox';
import {
  bool,
  byMicroversion,
  int,
  links,
  nullableStr,
  str,
  strict,
  stringMap,
} from '../../common/http/response-schemas.js';

/** Nova's flavor bodies per microversion (api-ref "Flavors"): 2.55 adds the description. */

const described = (since: (v: string) => boolean) =>
  since('2.55') ? { description: nullableStr } : ({} as Record<string, never>);

// Nova prints a zero swap and rxtx_factor as "".
const emptyOr = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Literal('')]);

function flavor(since: (v: string) => boolean) {
  return strict({
    id: str,
    name: str,
    ram: int,
    disk: int,
    swap: emptyOr(Type.Number()),
    'OS-FLV-EXT-DATA:ephemeral': int,
    'OS-FLV-DISABLED:disabled': bool,
    vcpus: int,
    'os-flavor-access:is_public': bool,
    rxtx_factor: emptyOr(Type.Number()),
    links,
    ...described(since),
  });
}

const pageLinks = Type.Optional(links);

export const flavorListResponse = byMicroversion(['2.55'], (since) =>
  strict({
    flavors: Type.Array(strict({ id: str, name: str, links, ...described(since) })),
    flavors_links: pageLinks,
  }),
);

export const flavorDetailListResponse = byMicroversion(['2.55'], (since) =>
  strict({ flavors: Type.Array(flavor(since)), flavors_links: pageLinks }),
);

export const flavorResponse = byMicroversion(['2.55'], (since) => strict({ flavor: flavor(since) }));

export const extraSpecsResponse = strict({ extra_specs: stringMap });

/** GET of one key: `{"<key>": "<value>"}`. */
export const extraSpecResponse = Type.Record(str, str, { minProperties: 1, maxProperties: 1 });

// Nova answers a set with the request body as sent: a number or boolean value stays one.
const sentValue = Type.Union([str, Type.Number(), Type.Boolean()]);
export const extraSpecsSetResponse = strict({ extra_specs: Type.Record(str, sentValue) });
export const extraSpecSetResponse = Type.Record(str, sentValue, { minProperties: 1, maxProperties: 1 });

export const flavorAccessResponse = strict({
  flavor_access: Type.Array(strict({ flavor_id: str, tenant_id: str })),
});
