import { fitsInventory } from '../inventories/inventory-capacity.js';
import type { ProviderView } from '../placement-api.js';
import { ProviderForest, fits, hasForbidden, traitsOk } from './candidate-forest.js';
import type { CandidateRequest, RequestGroup } from './candidate-request.js';

/** One allocation request: amounts by provider and class, and which providers served which group. */
export interface Candidate {
  readonly allocations: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly mappings: Readonly<Record<string, ReadonlyArray<string>>>;
  readonly rootUuid: string;
}

export interface SearchOptions {
  /** 1.29+: providers below a root may serve requests. */
  readonly nestedAware: boolean;
  /** 1.34+: candidates that differ only in mappings are distinct. */
  readonly distinctMappings: boolean;
}

/** How one group could be served in one tree. */
interface Option {
  readonly suffix: string;
  readonly amounts: ReadonlyArray<readonly [string, string, number]>;
  readonly providers: ReadonlyArray<string>;
}

/** Bounds the combinations explored per tree, as Placement's max_allocation_candidates does. */
const perTreeCap = 1000;
const overallCap = 10000;

/**
 * Allocation candidates over a snapshot, tree by tree: each group's options in the tree,
 * then their combinations that respect group_policy, same_subtree and combined capacity.
 * Sharing providers (MISC_SHARES_VIA_AGGREGATE) are not considered.
 */
export function searchCandidates(
  providers: ReadonlyArray<ProviderView>,
  req: CandidateRequest,
  opts: SearchOptions,
): { readonly candidates: ReadonlyArray<Candidate>; readonly forest: ProviderForest } {
  const forest = new ProviderForest(providers);
  const limit = Math.min(req.limit ?? overallCap, overallCap);
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const [root, tree] of forest.trees) {
    const rootView = forest.byUuid.get(root);
    if (rootView === undefined || !traitsOk(new Set(rootView.traits), req.rootRequired)) continue;
    const options = req.groups.map((g) => groupOptions(forest, tree, g, opts.nestedAware));
    if (options.some((o) => o.length === 0)) continue;
    for (const c of combine(forest, root, options, req)) {
      const key = candidateKey(c, opts.distinctMappings);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(c);
      if (out.length >= limit) return { candidates: out, forest };
    }
  }
  return { candidates: out, forest };
}

/** Identity of a candidate regardless of the order providers were picked in. */
function candidateKey(c: Candidate, withMappings: boolean): string {
  const allocations = Object.entries(c.allocations)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([uuid, rcs]) => [uuid, Object.entries(rcs).sort()]);
  return JSON.stringify(withMappings ? [allocations, c.mappings] : allocations);
}

function groupOptions(
  forest: ProviderForest,
  tree: ReadonlyArray<ProviderView>,
  g: RequestGroup,
  nested: boolean,
): Option[] {
  const usable = tree.filter((p) => forest.placeable(p, g, nested));
  const rcs = Object.entries(g.resources);
  if (g.suffix !== '' || rcs.length === 0) {
    return usable
      .filter((p) => traitsOk(new Set(p.traits), g.traits) && rcs.every(([rc, n]) => fits(p, rc, n)))
      .map((p) => ({
        suffix: g.suffix,
        amounts: rcs.map(([rc, n]) => [p.uuid, rc, n] as const),
        providers: [p.uuid],
      }));
  }
  // The unsuffixed group may take each class from a different provider of the tree.
  const perClass = rcs.map(([rc, n]) => usable.filter((p) => !hasForbidden(p, g.traits) && fits(p, rc, n)));
  const out: Option[] = [];
  for (const pick of product(perClass, perTreeCap)) {
    const chosen = [...new Set(pick.map((p) => p.uuid))];
    const traits = new Set(pick.flatMap((p) => p.traits));
    if (!traitsOk(traits, g.traits)) continue;
    out.push({
      suffix: '',
      amounts: pick.map((p, i) => [p.uuid, rcs[i]![0], rcs[i]![1]] as const),
      providers: chosen,
    });
  }
  return out;
}

function* combine(
  forest: ProviderForest,
  root: string,
  options: ReadonlyArray<ReadonlyArray<Option>>,
  req: CandidateRequest,
): Generator<Candidate> {
  for (const pick of product(options, perTreeCap)) {
    if (req.groupPolicy === 'isolate' && !isolated(pick)) continue;
    if (!sameSubtreeOk(forest, pick, req.sameSubtree)) continue;
    const allocations = merge(forest, pick);
    if (allocations === undefined) continue;
    const mappings: Record<string, string[]> = {};
    for (const o of pick) mappings[o.suffix] = [...o.providers];
    yield { allocations, mappings, rootUuid: root };
  }
}

/** group_policy=isolate: suffixed groups with resources each use their own provider. */
function isolated(pick: ReadonlyArray<Option>): boolean {
  const used = pick.filter((o) => o.suffix !== '' && o.amounts.length > 0).map((o) => o.providers[0]);
  return new Set(used).size === used.length;
}

/** Each same_subtree list: one chosen provider is an ancestor (or self) of all the others. */
function sameSubtreeOk(
  forest: ProviderForest,
  pick: ReadonlyArray<Option>,
  lists: ReadonlyArray<ReadonlyArray<string>>,
): boolean {
  return lists.every((suffixes) => {
    const chosen = pick.filter((o) => suffixes.includes(o.suffix)).flatMap((o) => o.providers);
    return chosen.some((top) => chosen.every((p) => forest.isAncestorOrSelf(top, p)));
  });
}

/** Sums the groups' amounts per provider and class; undefined when the sums do not fit. */
function merge(
  forest: ProviderForest,
  pick: ReadonlyArray<Option>,
): Record<string, Record<string, number>> | undefined {
  const out: Record<string, Record<string, number>> = {};
  for (const o of pick) {
    for (const [uuid, rc, n] of o.amounts) {
      const r = (out[uuid] ??= {});
      r[rc] = (r[rc] ?? 0) + n;
    }
  }
  for (const [uuid, rcs] of Object.entries(out)) {
    const p = forest.byUuid.get(uuid)!;
    for (const [rc, n] of Object.entries(rcs)) {
      if (!fitsInventory(p.inventories[rc], p.usages[rc] ?? 0, n).fits) return undefined;
    }
  }
  return out;
}

/** Cartesian product, in order, stopping after `cap` tuples. */
function* product<T>(lists: ReadonlyArray<ReadonlyArray<T>>, cap: number): Generator<T[]> {
  if (lists.some((l) => l.length === 0)) return;
  const idx = lists.map(() => 0);
  for (let n = 0; n < cap; n++) {
    yield idx.map((i, k) => lists[k]![i]!);
    let k = lists.length - 1;
    while (k >= 0 && ++idx[k]! >= lists[k]!.length) idx[k--] = 0;
    if (k < 0) return;
  }
}
