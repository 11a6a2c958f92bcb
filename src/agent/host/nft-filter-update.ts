import type { GroupMembers, PortFilter } from './nft-ruleset.js';
import { compileAddressGroupUpdate, compileRuleset } from './nft-ruleset.js';

/** A host's filter as compiled, with what tells a set-only change from a new ruleset. */
export interface CompiledFilter {
  readonly ruleset: string;
  /** The ruleset with every address group set empty: equal shapes differ in those sets alone. */
  readonly shape: string;
  readonly addressGroups: GroupMembers;
}

export function compileFilter(
  ports: ReadonlyArray<PortFilter>,
  members: GroupMembers,
  addressGroups: GroupMembers,
): CompiledFilter {
  const ruleset = compileRuleset(ports, members, addressGroups);
  // Without address groups there is nothing a set-only change could touch: no second compile.
  if (addressGroups.size === 0) return { ruleset, shape: ruleset, addressGroups };
  const emptied = new Map([...addressGroups.keys()].map((id) => [id, []]));
  return { ruleset, shape: compileRuleset(ports, members, emptied), addressGroups };
}

const sameList = (a: ReadonlyArray<string> | undefined, b: ReadonlyArray<string>) =>
  a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * What to apply to go from `last` (in the kernel) to `next`: nothing when they are equal; when
 * only address groups' CIDRs changed, just those sets are refilled (an address added to a
 * group costs no ruleset rewrite, and conntrack and counters stay); else the whole ruleset.
 */
export function filterTransaction(
  last: CompiledFilter | undefined,
  next: CompiledFilter,
): string | undefined {
  if (last?.ruleset === next.ruleset) return undefined;
  if (last === undefined || last.shape !== next.shape) return next.ruleset;
  return [...next.addressGroups]
    .filter(([id, cidrs]) => !sameList(last.addressGroups.get(id), cidrs))
    .map(([id, cidrs]) => compileAddressGroupUpdate(id, cidrs))
    .join('');
}
