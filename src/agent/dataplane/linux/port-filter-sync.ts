import {
  anyStrataTable,
  applyNft,
  deleteStrataTables,
  strataChains,
  strataTableShape,
} from '../../host/nft.js';
import {
  compileTables,
  defaultTableName,
  indexPorts,
  maxFilteredPorts,
  rewriteText,
} from '../../host/nft-ruleset.js';
import type { GroupMembers, PortFilter } from '../../host/nft-ruleset.js';
import { tableDelta, tableShape } from '../../host/nft-table.js';
import type { NftTable } from '../../host/nft-table.js';

/**
 * The number each filtered port's packets are marked with, kept for as long as the port is
 * on the host: a port coming or going leaves every other port's mark, map elements and
 * chains as they are. A freed number is reused (lowest first).
 */
export class PortIndexes {
  readonly #byPort = new Map<string, number>();

  /** Numbers exactly these ports; returns the lookup. */
  assign(portIds: ReadonlyArray<string>): (portId: string) => number {
    const wanted = new Set(portIds);
    for (const id of this.#byPort.keys()) if (!wanted.has(id)) this.#byPort.delete(id);
    const used = new Set(this.#byPort.values());
    let next = 1;
    for (const id of portIds) {
      if (this.#byPort.has(id)) continue;
      while (used.has(next)) next++;
      if (next > maxFilteredPorts)
        throw new Error(`more than ${maxFilteredPorts} filtered ports on one host`);
      this.#byPort.set(id, next);
      used.add(next);
    }
    return (id) => this.#byPort.get(id)!;
  }
}

/** What the last `apply` wrote: nothing, only what changed, the whole tables, or their removal. */
export type FilterWrite =
  | { readonly kind: 'none' }
  | { readonly kind: 'delta' | 'rewrite'; readonly transaction: string }
  | { readonly kind: 'delete' };

const sameShape = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>) =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/**
 * Strata's security group filter on one host, level-triggered: every `apply` reads what the
 * kernel holds (see #intact) and, when that is still what was last written, writes only the
 * difference (the sets, chains and map elements of the ports whose rules,
 * addresses or remote groups changed, or an address group's CIDRs) as one `nft -f` transaction. Anything else (no
 * tables, a flushed or half-deleted table, an agent restart, a refused difference) gets
 * both tables rewritten whole, as one transaction too.
 */
export class PortFilterSync {
  readonly #netns: string | undefined;
  /** The tables' name: `strata`, or the cloud's own on a machine shared by clouds. */
  readonly #table: string;
  readonly #indexes = new PortIndexes();
  /** The tables as last written; undefined when unknown or deleted. */
  #applied: ReadonlyArray<NftTable> | undefined;
  #last: FilterWrite = { kind: 'none' };

  constructor(netns: string | undefined, table = defaultTableName) {
    this.#netns = netns;
    this.#table = table;
  }

  /** What the last `apply` wrote (tests and benchmarks read it). */
  get lastWrite(): FilterWrite {
    return this.#last;
  }

  async apply(
    filters: ReadonlyArray<PortFilter>,
    members: GroupMembers,
    addressGroups: GroupMembers = new Map(),
  ): Promise<void> {
    const filtered = filters.filter((f) => f.portSecurityEnabled).map((f) => f.portId);
    if (filtered.length === 0) return this.#deleteTables();
    const next = compileTables(
      indexPorts(filters, this.#indexes.assign(filtered)),
      members,
      addressGroups,
      this.#table,
    );
    const applied = this.#applied;
    const delta = applied === undefined ? [] : next.flatMap((t, i) => tableDelta(applied[i]!, t));
    if (applied !== undefined && (await this.#intact(applied, delta.length === 0))) {
      if (delta.length === 0) return void (this.#last = { kind: 'none' });
      const transaction = [...delta, ''].join('\n');
      // Refused (the kernel's tables differ from what was written in a way the check
      // missed): the rewrite below repairs it.
      const ok = await applyNft(this.#netns, transaction).then(
        () => true,
        () => false,
      );
      if (ok) return this.#wrote(next, { kind: 'delta', transaction });
    }
    this.#applied = undefined;
    const transaction = rewriteText(next);
    await applyNft(this.#netns, transaction);
    this.#wrote(next, { kind: 'rewrite', transaction });
  }

  /**
   * Whether the kernel still holds what was written. A pass with nothing to change compares
   * every set and every chain's rule count (a flushed table shows); a pass with a change
   * checks only that every chain is there, so the change is not held up by a listing of
   * the whole filter (as slow as writing it), and a flush is found by the next quiet pass.
   */
  async #intact(applied: ReadonlyArray<NftTable>, thorough: boolean): Promise<boolean> {
    const expected = new Map(applied.flatMap((t) => [...tableShape(t)]));
    if (thorough) return sameShape(await strataTableShape(this.#netns, this.#table), expected);
    const chains = await strataChains(this.#netns, this.#table);
    const wanted = [...expected.keys()].filter((k) => k.startsWith('chain '));
    return chains.size === wanted.length && wanted.every((c) => chains.has(c));
  }

  #wrote(tables: ReadonlyArray<NftTable>, write: FilterWrite): void {
    this.#applied = tables;
    this.#last = write;
  }

  /** With no port filtered, Strata's tables go. */
  async #deleteTables(): Promise<void> {
    this.#indexes.assign([]);
    const wrote = this.#applied !== undefined;
    this.#applied = undefined;
    if (!wrote && !(await anyStrataTable(this.#netns, this.#table)))
      return void (this.#last = { kind: 'none' });
    await deleteStrataTables(this.#netns, this.#table);
    this.#last = { kind: 'delete' };
  }
}
