import { route } from '../../common/http/route-spec.js';
import type { PlacementDeps } from '../placement-deps.js';
import { badRequest } from '../placement-errors.js';
import { placementReply } from '../placement-http.js';
import { traitNames } from '../placement-query.js';
import { atLeast, since } from '../placement-version.js';
import { unknownResourceClasses } from '../resource-classes/resource-class-service.js';
import { loadSnapshot } from '../resource-providers/provider-snapshot-store.js';
import { unknownTraits } from '../traits/trait-service.js';
import type { CandidateRequest } from './candidate-request.js';
import { parseCandidateRequest } from './candidate-request.js';
import { searchCandidates } from './candidate-search.js';
import { candidatesView } from './candidate-view.js';

/** Unknown classes and traits are 400s, as Placement answers them. */
async function checkNames(deps: PlacementDeps, req: CandidateRequest): Promise<void> {
  const db = deps.store.db;
  const classes = await unknownResourceClasses(
    db,
    req.groups.flatMap((g) => Object.keys(g.resources)),
  );
  if (classes.length > 0) {
    throw badRequest(`Invalid resource class in resources parameter: No such resource class ${classes[0]}.`);
  }
  const traits = await unknownTraits(db, [
    ...req.groups.flatMap((g) => traitNames(g.traits)),
    ...traitNames(req.rootRequired),
  ]);
  if (traits.length > 0) throw badRequest(`No such trait(s): ${traits.join(', ')}`);
}

export const candidateRoutes = [
  route<PlacementDeps>({
    method: 'GET',
    url: '/allocation_candidates',
    policy: 'placement:allocation_candidates:list',
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      since(ctx, 10);
      const req = parseCandidateRequest(ctx);
      await checkNames(deps, req);
      const snapshot = await loadSnapshot(deps.store.db);
      const found = searchCandidates(snapshot, req, {
        nestedAware: atLeast(ctx, 29),
        distinctMappings: atLeast(ctx, 34),
      });
      return placementReply(ctx, candidatesView(ctx, req, found.candidates, found.forest));
    },
  }),
];
