import Type from 'typebox';
import { NotFoundError } from '../common/errors.js';
import type { Microversion, MicroversionPolicy } from '../common/http/microversion.js';
import { compareMicroversions, formatMicroversion } from '../common/http/microversion.js';
import { route } from '../common/http/route-spec.js';
import type { PlacementDeps } from './placement-deps.js';
import { placementCodes } from './placement-errors.js';

/**
 * 1.39 is the newest Placement microversion (Zed); every behaviour change up to it is
 * implemented, so openstacksdk, osc-placement and Nova negotiate their own maximum.
 */
export const placementMicroversions: MicroversionPolicy = {
  serviceType: 'placement',
  min: [1, 0],
  max: [1, 39],
};

type Versioned = { readonly microversion: Microversion | undefined };

/** True when the request's microversion is 1.`minor` or newer. */
export function atLeast(ctx: Versioned, minor: number): boolean {
  return compareMicroversions(ctx.microversion ?? placementMicroversions.min, [1, minor]) >= 0;
}

/** Placement answers 404 for a route that does not exist yet at the requested microversion. */
export function since(ctx: Versioned, minor: number): void {
  if (!atLeast(ctx, minor))
    throw new NotFoundError(placementCodes.undefined, 'The resource could not be found.');
}

const versionLinks = Type.Array(
  Type.Object({
    rel: Type.String({ description: 'Link relation.' }),
    href: Type.String({ description: 'Link target.' }),
  }),
  { description: 'Links to the version root.' },
);

/** The version document's shape, for the generated reference. */
export const versionDocument = Type.Object({
  versions: Type.Array(
    Type.Object({
      id: Type.String({ description: 'Version id, `v1.0`.' }),
      min_version: Type.String({ description: 'Oldest microversion served.' }),
      max_version: Type.String({ description: 'Newest microversion served.' }),
      status: Type.String({ description: 'Always CURRENT.' }),
      links: versionLinks,
    }),
    { description: 'The one API version, with its microversion range.' },
  ),
});

export const versionRoutes = [
  route<PlacementDeps>({
    method: 'GET',
    url: '/',
    auth: 'none',
    successStatus: 200,
    expectedErrors: [],
    handler: async () => ({
      versions: [
        {
          id: 'v1.0',
          min_version: formatMicroversion(placementMicroversions.min),
          max_version: formatMicroversion(placementMicroversions.max),
          status: 'CURRENT',
          links: [{ rel: 'self', href: '' }],
        },
      ],
    }),
  }),
];
