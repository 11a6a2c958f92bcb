import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostCommandError, runCommand } from './command.js';
import { netnsPath } from './netns.js';
import { defaultTableName, strataTablesNamed } from './nft-ruleset.js';

/**
 * nft in the named namespace through nsenter, which enters only the network namespace:
 * `ip netns exec` also remounts /sys, several times slower, and a rule change is timed.
 */
function nftIn(netns: string | undefined, args: ReadonlyArray<string>) {
  const [cmd, pre] =
    netns === undefined ? ['nft', []] : ['nsenter', [`--net=${netnsPath(netns)}`, '--', 'nft']];
  return runCommand(cmd, [...pre, ...args], { timeoutMs: 30_000 });
}

/**
 * Applies one transaction (the text of `compileRuleset` or `compileGroupMembersUpdate`) with
 * `nft -f`: the kernel takes all of it or, on any error, none of it.
 */
export async function applyNft(netns: string | undefined, transaction: string): Promise<void> {
  const file = join(tmpdir(), `strata-nft-${randomUUID()}.nft`);
  await writeFile(file, transaction, { mode: 0o600 });
  try {
    await nftIn(netns, ['-f', file]);
  } finally {
    await rm(file, { force: true });
  }
}

async function strataTablesIn(netns: string | undefined, name: string): Promise<string[]> {
  const { stdout } = await nftIn(netns, ['-j', 'list', 'tables']);
  const tables = (
    JSON.parse(stdout) as { nftables: Array<{ table?: { family: string; name: string } }> }
  ).nftables.flatMap((o) => (o.table === undefined ? [] : [`${o.table.family} ${o.table.name}`]));
  return strataTablesNamed(name).filter((t) => tables.includes(t));
}

/** Whether both of Strata's tables are in the namespace (a flushed ruleset needs a resync). */
export async function strataTablesPresent(
  netns: string | undefined,
  name = defaultTableName,
): Promise<boolean> {
  return (await strataTablesIn(netns, name)).length === strataTablesNamed(name).length;
}

/** Whether either of Strata's tables is in the namespace. */
export async function anyStrataTable(netns: string | undefined, name = defaultTableName): Promise<boolean> {
  return (await strataTablesIn(netns, name)).length > 0;
}

/** Deletes Strata's tables; resolves when they are not there. Leaves every other table alone. */
export async function deleteStrataTables(netns: string | undefined, name = defaultTableName): Promise<void> {
  for (const t of strataTablesNamed(name)) {
    try {
      await nftIn(netns, ['delete', 'table', ...t.split(' ')]);
    } catch (err) {
      if (err instanceof HostCommandError && /No such file/i.test(err.stderr)) continue;
      throw err;
    }
  }
}

type ListedObject = Record<
  'set' | 'map' | 'chain' | 'rule',
  { family: string; table: string; name?: string; chain?: string } | undefined
>;

/**
 * What the kernel holds of Strata's tables, in the form `tableShape` describes: every set and
 * map by name, every chain with its number of rules. A terse listing (no set elements) in
 * one call; empty when neither table is there.
 */
export async function strataTableShape(
  netns: string | undefined,
  name = defaultTableName,
): Promise<Map<string, number>> {
  const tables = strataTablesNamed(name);
  const { stdout } = await nftIn(netns, ['-j', '-t', 'list', 'ruleset']);
  const shape = new Map<string, number>();
  const ours = (o: { family: string; table: string }) => tables.includes(`${o.family} ${o.table}`);
  for (const o of (JSON.parse(stdout) as { nftables: Array<Partial<ListedObject>> }).nftables) {
    const set = o.set ?? o.map;
    if (set !== undefined && ours(set)) shape.set(`set ${set.family} ${set.table} ${set.name}`, 0);
    if (o.chain !== undefined && ours(o.chain)) {
      const key = `chain ${o.chain.family} ${o.chain.table} ${o.chain.name}`;
      shape.set(key, shape.get(key) ?? 0);
    }
    if (o.rule !== undefined && ours(o.rule)) {
      const key = `chain ${o.rule.family} ${o.rule.table} ${o.rule.chain}`;
      shape.set(key, (shape.get(key) ?? 0) + 1);
    }
  }
  return shape;
}

/**
 * The chains of Strata's tables (`chain <table> <name>`, as in `tableShape`): a cheap check
 * (no rules, no set elements are read) that neither table nor any chain was deleted.
 */
export async function strataChains(netns: string | undefined, name = defaultTableName): Promise<Set<string>> {
  const { stdout } = await nftIn(netns, ['-j', 'list', 'chains']);
  const chains = (JSON.parse(stdout) as { nftables: Array<Partial<ListedObject>> }).nftables.flatMap((o) =>
    o.chain === undefined ? [] : [`chain ${o.chain.family} ${o.chain.table} ${o.chain.name}`],
  );
  return new Set(chains.filter((c) => strataTablesNamed(name).some((t) => c.startsWith(`chain ${t} `))));
}
