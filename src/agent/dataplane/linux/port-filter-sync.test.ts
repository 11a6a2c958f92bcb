import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../../host/command.js';
import { deleteNetns, ensureNetns } from '../../host/netns.js';
import { strataTablesPresent } from '../../host/nft.js';
import type { GroupMembers, PortFilter } from '../../host/nft-ruleset.js';
import type { SecurityRule } from '../../host/nft-rules.js';
import { PortFilterSync, PortIndexes } from './port-filter-sync.js';

const skipReason = process.getuid?.() !== 0 ? 'needs root' : !hasCommand('nft') ? 'missing nft' : undefined;

const tag = randomBytes(3).toString('hex');
const netns = `spfs-${tag}`;

const tcpIn = (port: number, o: Partial<SecurityRule> = {}): SecurityRule => ({
  direction: 'ingress',
  ethertype: 'IPv4',
  protocol: 'tcp',
  port_range_min: port,
  port_range_max: port,
  remote_ip_prefix: '10.9.0.0/24',
  remote_group_id: null,
  ...o,
});

const port = (id: string, n: number, rules: SecurityRule[]): PortFilter => ({
  portId: `${id}-${tag}`,
  device: `t${id}${tag}`,
  bridge: `brq${tag}-aa`,
  mac: `fa:16:3e:00:00:0${n}`,
  fixedIps: [`10.0.0.${n}`],
  allowedAddressPairs: [],
  portSecurityEnabled: true,
  rules,
});

// Ports a1, a2 in group A (TCP to `aPort`), b1 in group B (TCP/80), c1 admitting A's members.
const host = (aPort: number, extra: PortFilter[] = []) => [
  port('a1', 1, [tcpIn(aPort)]),
  port('a2', 2, [tcpIn(aPort)]),
  port('b1', 3, [tcpIn(80)]),
  port('c1', 4, [tcpIn(443, { remote_ip_prefix: null, remote_group_id: 'A' })]),
  ...extra,
];
const membersOfA = (...addrs: string[]): GroupMembers => new Map([['A', addrs]]);

const nft = async (...args: string[]) =>
  (await runCommand('ip', ['netns', 'exec', netns, 'nft', ...args], { timeoutMs: 20_000 })).stdout;

/** The kernel's handles of every rule in the named chains (a rewritten chain gets new ones). */
async function ruleHandles(chains: ReadonlyArray<string>): Promise<string> {
  const out: string[] = [];
  for (const c of chains) {
    const [family = '', table = '', name = ''] = c.split(' ');
    const listed = JSON.parse(await nft('-j', '-a', 'list', 'chain', family, table, name)) as {
      nftables: Array<{ rule?: { handle: number } }>;
    };
    out.push(`${c}: ${listed.nftables.flatMap((o) => (o.rule ? [o.rule.handle] : [])).join(',')}`);
  }
  return out.join('\n');
}

const chainsOf = (id: string) => [
  `inet strata in-${id}-${tag}`,
  `inet strata out-${id}-${tag}`,
  `bridge strata spoof-${id}-${tag}`,
  `bridge strata mark-${id}-${tag}`,
];

describe.skipIf(skipReason !== undefined)(
  `port filter sync on the kernel${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    const sync = new PortFilterSync(netns);

    beforeAll(async () => {
      await ensureNetns(netns);
    });

    afterAll(async () => {
      await deleteNetns(netns).catch(() => undefined);
    });

    it('writes both tables whole the first time', async () => {
      await sync.apply(host(22), membersOfA('10.0.0.1', '10.0.0.2'));
      expect(sync.lastWrite.kind).toBe('rewrite');
      expect(await strataTablesPresent(netns)).toBe(true);
      await sync.apply(host(22), membersOfA('10.0.0.1', '10.0.0.2'));
      expect(sync.lastWrite.kind).toBe('none');
    });

    it('changes a rule of group A without touching the chains or sets of group B', async () => {
      const untouched = [...chainsOf('b1'), ...chainsOf('c1'), 'inet strata port-filter'];
      const before = await ruleHandles(untouched);
      const aBefore = await ruleHandles(chainsOf('a1'));
      await sync.apply(host(2222), membersOfA('10.0.0.1', '10.0.0.2'));
      const write = sync.lastWrite;
      expect(write.kind).toBe('delta');
      const text = write.kind === 'delta' ? write.transaction : '';
      expect(text).toContain(`flush set inet strata in-a1-${tag}-v4-ports-net`);
      expect(text).not.toContain(`b1-${tag}`);
      expect(text).not.toContain(`c1-${tag}`);
      expect(await ruleHandles(untouched)).toBe(before);
      // Only a set changed: even group A's chains keep their rules.
      expect(await ruleHandles(chainsOf('a1'))).toBe(aBefore);
      expect(await nft('list', 'set', 'inet', 'strata', `in-a1-${tag}-v4-ports-net`)).toContain('tcp . 2222');
      expect(await nft('list', 'set', 'inet', 'strata', `in-b1-${tag}-v4-ports-net`)).toContain('tcp . 80');
    });

    it('refills a remote group’s set alone when its members change, and adds a port beside the others', async () => {
      const before = await ruleHandles([...chainsOf('a1'), ...chainsOf('b1'), ...chainsOf('c1')]);
      await sync.apply(host(2222), membersOfA('10.0.0.1'));
      expect(sync.lastWrite).toMatchObject({ kind: 'delta' });
      expect(await nft('list', 'set', 'inet', 'strata', 'rg-A-v4')).not.toContain('10.0.0.2');
      await sync.apply(host(2222, [port('d1', 5, [tcpIn(8080)])]), membersOfA('10.0.0.1'));
      expect(sync.lastWrite).toMatchObject({ kind: 'delta' });
      expect(await ruleHandles([...chainsOf('a1'), ...chainsOf('b1'), ...chainsOf('c1')])).toBe(before);
      expect(await nft('list', 'map', 'bridge', 'strata', 'from-port')).toContain(
        `"td1${tag}" : jump spoof-d1-${tag}`,
      );
    });

    it('repairs a flushed table and a deleted table completely', async () => {
      const ports = host(2222, [port('d1', 5, [tcpIn(8080)])]);
      // Sorted lines: what the deltas built lists its objects in another order than a rewrite.
      const whole = async () =>
        [
          ...(await nft('list', 'table', 'inet', 'strata')).split('\n'),
          ...(await nft('list', 'table', 'bridge', 'strata')).split('\n'),
        ]
          .map((l) => l.trim())
          .sort();
      const intact = await whole();
      await nft('flush', 'table', 'inet', 'strata');
      await sync.apply(ports, membersOfA('10.0.0.1'));
      expect(sync.lastWrite.kind).toBe('rewrite');
      expect(await whole()).toEqual(intact);
      await nft('delete', 'table', 'bridge', 'strata');
      await sync.apply(ports, membersOfA('10.0.0.1'));
      expect(sync.lastWrite.kind).toBe('rewrite');
      expect(await whole()).toEqual(intact);
      await nft('flush', 'chain', 'inet', 'strata', `in-b1-${tag}`);
      await sync.apply(ports, membersOfA('10.0.0.1'));
      expect(sync.lastWrite.kind).toBe('rewrite');
      expect(await whole()).toEqual(intact);
      // A flush just before a change: the change goes in as a difference (that pass only
      // checks the chains are there), the next pass finds the flush and rewrites.
      await nft('flush', 'table', 'inet', 'strata');
      await sync.apply(host(2223, [port('d1', 5, [tcpIn(8080)])]), membersOfA('10.0.0.1'));
      expect(sync.lastWrite.kind).toBe('delta');
      await sync.apply(ports, membersOfA('10.0.0.1'));
      expect(sync.lastWrite.kind).toBe('delta');
      await sync.apply(ports, membersOfA('10.0.0.1'));
      expect(sync.lastWrite.kind).toBe('rewrite');
      expect(await whole()).toEqual(intact);
    });

    it('takes a port away leaving the others’ rules in place, and the tables when none is left', async () => {
      const before = await ruleHandles([...chainsOf('a1'), ...chainsOf('b1')]);
      await sync.apply(host(2222), membersOfA('10.0.0.1'));
      expect(sync.lastWrite.kind).toBe('delta');
      expect(await ruleHandles([...chainsOf('a1'), ...chainsOf('b1')])).toBe(before);
      expect(await nft('list', 'table', 'inet', 'strata')).not.toContain(`d1-${tag}`);
      await sync.apply([], new Map());
      expect(sync.lastWrite.kind).toBe('delete');
      expect(await nft('list', 'tables')).not.toContain('strata');
    });
  },
);

describe('PortIndexes', () => {
  it('keeps a port’s number while it stays and reuses a freed one', () => {
    const indexes = new PortIndexes();
    const first = indexes.assign(['a', 'b', 'c']);
    expect(['a', 'b', 'c'].map(first)).toEqual([1, 2, 3]);
    const second = indexes.assign(['c', 'a', 'd']);
    expect(['a', 'c', 'd'].map(second)).toEqual([1, 3, 2]);
  });
});
