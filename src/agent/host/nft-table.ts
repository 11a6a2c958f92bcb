/**
 * An nftables table as data: its named sets, maps and chains. Strata's filter is compiled to
 * this shape so the same content can be written whole (a repair) or as the difference from
 * what was applied before (a change touching a few ports rewrites only their parts).
 */

/** A named set: its declaration head (`type …; flags …;`) and its elements. */
export interface NftSet {
  readonly head: string;
  readonly elements: ReadonlyArray<string>;
}

/** A named map: its declaration head and its elements by key (`key : value`). */
export interface NftMap {
  readonly head: string;
  readonly elements: ReadonlyMap<string, string>;
}

/** A chain: its hook line when it is a base chain, and its rules, one per line. */
export interface NftChain {
  readonly hook?: string;
  readonly rules: ReadonlyArray<string>;
}

export interface NftTable {
  /** Family and name, as nft spells them: `inet strata`. */
  readonly name: string;
  readonly sets: ReadonlyMap<string, NftSet>;
  readonly maps: ReadonlyMap<string, NftMap>;
  readonly chains: ReadonlyMap<string, NftChain>;
}

const elementsOf = (xs: ReadonlyArray<string>) =>
  xs.length === 0 ? '' : ` elements = { ${xs.join(', ')} };`;

const setLine = (name: string, s: NftSet) => `  set ${name} { ${s.head}${elementsOf(s.elements)} }`;

const mapLine = (name: string, m: NftMap, elements = m.elements) =>
  `  map ${name} { ${m.head}${elementsOf([...elements].map(([k, v]) => `${k} : ${v}`))} }`;

const chainLines = (name: string, c: NftChain) => [
  `  chain ${name} {`,
  ...(c.hook === undefined ? [] : [`    ${c.hook}`]),
  ...c.rules.map((r) => `    ${r}`),
  '  }',
];

/**
 * The declaration order nft needs: sets, then the chains they serve, then the verdict maps
 * that jump to those chains, then the base chains that look the maps up.
 */
function blockOf(
  t: NftTable,
  sets: ReadonlyArray<string>,
  chains: ReadonlyArray<string>,
  maps: ReadonlyArray<string>,
  mapLineOf: (name: string, m: NftMap) => string = mapLine,
): string[] {
  const chain = (name: string) => chainLines(name, t.chains.get(name)!);
  const regular = chains.filter((c) => t.chains.get(c)?.hook === undefined);
  const base = chains.filter((c) => t.chains.get(c)?.hook !== undefined);
  const body = [
    ...sets.map((s) => setLine(s, t.sets.get(s)!)),
    ...regular.flatMap(chain),
    ...maps.map((m) => mapLineOf(m, t.maps.get(m)!)),
    ...base.flatMap(chain),
  ];
  return body.length === 0 ? [] : [`table ${t.name} {`, ...body, '}'];
}

/** The whole table, to write after it was deleted. */
export function tableText(t: NftTable): string[] {
  return blockOf(t, [...t.sets.keys()], [...t.chains.keys()], [...t.maps.keys()]);
}

const changed = <T>(
  prev: ReadonlyMap<string, T>,
  next: ReadonlyMap<string, T>,
  same: (a: T, b: T) => boolean,
) => [...next.keys()].filter((k) => prev.has(k) && !same(prev.get(k)!, next.get(k)!));
const added = <T>(prev: ReadonlyMap<string, T>, next: ReadonlyMap<string, T>) =>
  [...next.keys()].filter((k) => !prev.has(k));
const removed = <T>(prev: ReadonlyMap<string, T>, next: ReadonlyMap<string, T>) =>
  [...prev.keys()].filter((k) => !next.has(k));

const sameList = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const sameSet = (a: NftSet, b: NftSet) => a.head === b.head && sameList(a.elements, b.elements);
const sameChain = (a: NftChain, b: NftChain) => a.hook === b.hook && sameList(a.rules, b.rules);

/** Map elements whose key is new or whose value changed (to add), and keys gone or changed (to delete). */
function mapDelta(prev: NftMap | undefined, next: NftMap | undefined) {
  const before = prev?.elements ?? new Map<string, string>();
  const after = next?.elements ?? new Map<string, string>();
  const gone = [...before.keys()].filter((k) => after.get(k) !== before.get(k));
  const fresh = [...after].filter(([k, v]) => before.get(k) !== v);
  return { gone, fresh };
}

/**
 * The commands that turn `prev` (what the kernel holds) into `next`, touching only the sets,
 * chains and map elements that differ; [] when nothing does. Order matters inside the one
 * transaction: map elements jumping to a chain go before the chain is emptied or deleted, a
 * set goes only after the rules using it were flushed, and new sets come before the rules
 * that use them. Both tables must have the same name and, for maps, the same heads.
 */
export function tableDelta(prev: NftTable, next: NftTable): string[] {
  const n = next.name;
  const maps = [...new Set([...prev.maps.keys(), ...next.maps.keys()])];
  const mapChanges = maps.map((m) => ({ m, ...mapDelta(prev.maps.get(m), next.maps.get(m)) }));
  const rewritten = changed(prev.chains, next.chains, sameChain);
  const goneChains = removed(prev.chains, next.chains);
  const refilled = changed(prev.sets, next.sets, sameSet);
  const newMaps = added(prev.maps, next.maps);
  const block = blockOf(
    next,
    [...refilled, ...added(prev.sets, next.sets)],
    [...rewritten, ...added(prev.chains, next.chains)],
    newMaps,
    (name, m) => mapLine(name, m, new Map()),
  );
  return [
    ...mapChanges.flatMap(({ m, gone }) =>
      gone.length === 0 || !prev.maps.has(m) || !next.maps.has(m)
        ? []
        : [`delete element ${n} ${m} { ${gone.join(', ')} }`],
    ),
    ...[...rewritten, ...goneChains].map((c) => `flush chain ${n} ${c}`),
    ...goneChains.map((c) => `delete chain ${n} ${c}`),
    ...removed(prev.maps, next.maps).map((m) => `delete map ${n} ${m}`),
    ...removed(prev.sets, next.sets).map((s) => `delete set ${n} ${s}`),
    ...refilled.map((s) => `flush set ${n} ${s}`),
    ...block,
    ...mapChanges.flatMap(({ m, fresh }) =>
      fresh.length === 0 || !next.maps.has(m)
        ? []
        : [`add element ${n} ${m} { ${fresh.map(([k, v]) => `${k} : ${v}`).join(', ')} }`],
    ),
  ];
}

/**
 * What a terse listing (`nft -j -t list ruleset`) of the table must show: every set and map
 * by name, every chain with its number of rules. Keys are `set <table> <name>` (maps too) and
 * `chain <table> <name>`; a set's value is 0.
 */
export function tableShape(t: NftTable): Map<string, number> {
  return new Map([
    ...[...t.sets.keys(), ...t.maps.keys()].map((s) => [`set ${t.name} ${s}`, 0] as const),
    ...[...t.chains].map(([c, chain]) => [`chain ${t.name} ${c}`, chain.rules.length] as const),
  ]);
}
