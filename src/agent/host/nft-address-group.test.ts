import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from './command.js';
import { deleteNetns, ensureNetns, netnsPath } from './netns.js';
import { applyNft } from './nft.js';
import { addressGroupSetName, compileAddressGroupUpdate, compileRuleset } from './nft-ruleset.js';
import type { PortFilter } from './nft-ruleset.js';
import { securityRule as rule } from './nft-rules.js';

// One namespace of its own: the kernel takes the address group sets and their updates.
const skipReason = process.getuid?.() !== 0 ? 'needs root' : !hasCommand('nft') ? 'missing nft' : undefined;
const tag = randomBytes(3).toString('hex');
const ns = `sag-${tag}`;
const agId = `a9000000-${tag}-4000-8000-000000000001`;

const port: PortFilter = {
  portId: `p-${tag}`,
  device: `tap-${tag}`,
  bridge: `brq-${tag}`,
  mac: 'fa:16:3e:00:88:01',
  fixedIps: ['10.88.0.5'],
  allowedAddressPairs: [],
  portSecurityEnabled: true,
  rules: [
    rule({ protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_address_group_id: agId }),
    rule({
      ethertype: 'IPv6',
      protocol: 'tcp',
      port_range_min: 22,
      port_range_max: 22,
      remote_address_group_id: agId,
    }),
  ],
};

const nft = (args: ReadonlyArray<string>) =>
  runCommand('nsenter', [`--net=${netnsPath(ns)}`, '--', 'nft', ...args], { timeoutMs: 10_000 });

/** The elements of a set as `address/len` text, read back from the kernel in JSON. */
async function setElements(name: string): Promise<string[]> {
  const { stdout } = await nft(['-j', 'list', 'set', 'inet', 'strata', name]);
  const set = (JSON.parse(stdout) as { nftables: Array<{ set?: { elem?: unknown[] } }> }).nftables.find(
    (o) => o.set !== undefined,
  )?.set;
  return (set?.elem ?? []).map((e) => {
    if (typeof e === 'string') return e;
    const p = (e as { prefix?: { addr: string; len: number } }).prefix;
    const r = (e as { range?: [string, string] }).range;
    return p !== undefined ? `${p.addr}/${p.len}` : r !== undefined ? `${r[0]}-${r[1]}` : JSON.stringify(e);
  });
}

describe.skipIf(skipReason !== undefined)('nft address group sets (kernel)', () => {
  beforeAll(async () => {
    await ensureNetns(ns);
  });
  afterAll(async () => {
    await deleteNetns(ns).catch(() => undefined);
  });

  it('fills one set per family from the group and points the rule at it', async () => {
    const groups = new Map([[agId, ['10.8.0.0/16', '2001:db8:8::/48']]]);
    await applyNft(ns, compileRuleset([port], new Map(), groups));
    expect(await setElements(addressGroupSetName(agId, 'v4'))).toEqual(['10.8.0.0/16']);
    expect(await setElements(addressGroupSetName(agId, 'v6'))).toEqual(['2001:db8:8::/48']);
    const { stdout } = await nft(['list', 'chain', 'inet', 'strata', `in-${port.portId}`]);
    expect(stdout).toContain(`ip saddr @${addressGroupSetName(agId, 'v4')} meta l4proto . th dport`);
    expect(stdout).toContain(`ip6 saddr @${addressGroupSetName(agId, 'v6')} meta l4proto . th dport`);
  });

  it('takes an added address into the set without rewriting the ruleset', async () => {
    const before = (await nft(['-a', 'list', 'chain', 'inet', 'strata', `in-${port.portId}`])).stdout;
    await applyNft(ns, compileAddressGroupUpdate(agId, ['10.8.0.0/16', '10.9.9.0/24', '2001:db8:8::/48']));
    expect(await setElements(addressGroupSetName(agId, 'v4'))).toEqual(['10.8.0.0/16', '10.9.9.0/24']);
    expect(await setElements(addressGroupSetName(agId, 'v6'))).toEqual(['2001:db8:8::/48']);
    // The chain's rules keep their handles: only the set changed.
    expect((await nft(['-a', 'list', 'chain', 'inet', 'strata', `in-${port.portId}`])).stdout).toBe(before);
    await applyNft(ns, compileAddressGroupUpdate(agId, ['10.9.9.0/24']));
    expect(await setElements(addressGroupSetName(agId, 'v4'))).toEqual(['10.9.9.0/24']);
    expect(await setElements(addressGroupSetName(agId, 'v6'))).toEqual([]);
  });
});
