import type { Microversion } from '../../common/http/microversion.js';
import { capacityOf } from '../inventories/inventory-capacity.js';
import type { ProviderView } from '../placement-api.js';
import { atLeast } from '../placement-version.js';
import type { ProviderForest } from './candidate-forest.js';
import type { CandidateRequest } from './candidate-request.js';
import type { Candidate } from './candidate-search.js';

type Versioned = { readonly microversion: Microversion | undefined };

/** `{allocation_requests, provider_summaries}` shaped for the request's microversion. */
export function candidatesView(
  ctx: Versioned,
  req: CandidateRequest,
  candidates: ReadonlyArray<Candidate>,
  forest: ProviderForest,
) {
  return {
    allocation_requests: candidates.map((c) => requestView(ctx, c)),
    provider_summaries: summariesView(ctx, req, candidates, forest),
  };
}

function requestView(ctx: Versioned, c: Candidate) {
  if (!atLeast(ctx, 12)) {
    return {
      allocations: Object.entries(c.allocations).map(([uuid, resources]) => ({
        resource_provider: { uuid },
        resources,
      })),
    };
  }
  const allocations = Object.fromEntries(
    Object.entries(c.allocations).map(([uuid, resources]) => [uuid, { resources }]),
  );
  return atLeast(ctx, 34) ? { allocations, mappings: c.mappings } : { allocations };
}

/** From 1.29 every provider of a candidate's tree is summarized; before, only those allocated from. */
function summariesView(
  ctx: Versioned,
  req: CandidateRequest,
  candidates: ReadonlyArray<Candidate>,
  forest: ProviderForest,
) {
  const nested = atLeast(ctx, 29);
  const uuids = new Set<string>();
  for (const c of candidates) {
    if (nested) for (const p of forest.trees.get(c.rootUuid) ?? []) uuids.add(p.uuid);
    else for (const uuid of Object.keys(c.allocations)) uuids.add(uuid);
  }
  const requested = new Set(req.groups.flatMap((g) => Object.keys(g.resources)));
  const out: Record<string, unknown> = {};
  for (const uuid of uuids) out[uuid] = summaryView(ctx, forest.byUuid.get(uuid)!, requested);
  return out;
}

function summaryView(ctx: Versioned, p: ProviderView, requested: ReadonlySet<string>) {
  const resources = Object.fromEntries(
    Object.entries(p.inventories)
      .filter(([rc]) => atLeast(ctx, 27) || requested.has(rc))
      .map(([rc, inv]) => [rc, { capacity: capacityOf(inv), used: p.usages[rc] ?? 0 }]),
  );
  return {
    resources,
    ...(atLeast(ctx, 17) && { traits: [...p.traits] }),
    ...(atLeast(ctx, 29) && { parent_provider_uuid: p.parentUuid, root_provider_uuid: p.rootUuid }),
  };
}
