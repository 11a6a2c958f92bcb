import { fitsInventory } from '../inventories/inventory-capacity.js';
import type { ProviderView } from '../placement-api.js';
import type { MemberOf, TraitQuery } from '../placement-query.js';
import type { RequestGroup } from './candidate-request.js';

/** The snapshot indexed by tree, with the per-provider tests the search needs. */
export class ProviderForest {
  readonly byUuid: ReadonlyMap<string, ProviderView>;
  /** Trees in snapshot order, keyed by root uuid. */
  readonly trees: ReadonlyMap<string, ReadonlyArray<ProviderView>>;

  constructor(providers: ReadonlyArray<ProviderView>) {
    this.byUuid = new Map(providers.map((p) => [p.uuid, p]));
    const trees = new Map<string, ProviderView[]>();
    for (const p of providers) {
      const t = trees.get(p.rootUuid);
      if (t === undefined) trees.set(p.rootUuid, [p]);
      else t.push(p);
    }
    this.trees = trees;
  }

  /** A nested provider counts as a member of its root's aggregates too. */
  aggregatesOf(p: ProviderView): ReadonlySet<string> {
    const root = this.byUuid.get(p.rootUuid);
    return new Set([...p.aggregates, ...(root && root !== p ? root.aggregates : [])]);
  }

  /** True when `ancestor` is `p` or above it in the tree. */
  isAncestorOrSelf(ancestor: string, p: string): boolean {
    for (
      let cur = this.byUuid.get(p);
      cur !== undefined;
      cur = cur.parentUuid ? this.byUuid.get(cur.parentUuid) : undefined
    ) {
      if (cur.uuid === ancestor) return true;
    }
    return false;
  }

  /** Where a group may take a provider from: member_of, in_tree and (before 1.29) roots only. */
  placeable(p: ProviderView, g: RequestGroup, nestedAware: boolean): boolean {
    if (!nestedAware && p.parentUuid !== null) return false;
    if (g.inTree !== undefined && this.byUuid.get(g.inTree)?.rootUuid !== p.rootUuid) return false;
    return memberOk(this.aggregatesOf(p), g.memberOf);
  }
}

export function memberOk(aggregates: ReadonlySet<string>, m: MemberOf): boolean {
  return (
    m.anyOf.every((list) => list.some((a) => aggregates.has(a))) && !m.noneOf.some((a) => aggregates.has(a))
  );
}

/** Required, forbidden and any-of traits against one trait set. */
export function traitsOk(traits: ReadonlySet<string>, q: TraitQuery): boolean {
  return (
    q.required.every((t) => traits.has(t)) &&
    !q.forbidden.some((t) => traits.has(t)) &&
    q.anyOf.every((list) => list.some((t) => traits.has(t)))
  );
}

export function hasForbidden(p: ProviderView, q: TraitQuery): boolean {
  return q.forbidden.some((t) => p.traits.includes(t));
}

/** The shared capacity rule applied to a provider's current usage. */
export function fits(p: ProviderView, rc: string, amount: number): boolean {
  return fitsInventory(p.inventories[rc], p.usages[rc] ?? 0, amount).fits;
}
