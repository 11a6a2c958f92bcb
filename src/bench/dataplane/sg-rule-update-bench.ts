import { LinuxDataplane } from '../../agent/dataplane/linux/linux-dataplane.js';
import { planHost } from '../../agent/dataplane/linux/host-network-plan.js';
import type { HostNetworkState } from '../../agent/dataplane/host-network-state.js';
import { applyNft } from '../../agent/host/nft.js';
import type { SecurityRule } from '../../agent/host/nft-rules.js';
import { compileRuleset } from '../../agent/host/nft-ruleset.js';
import type { BenchOptions, BenchProgress, BenchResult, Benchmark } from '../benchmark.js';
import { skippedResult } from '../benchmark.js';
import { summarize } from '../bench-stats.js';
import {
  benchNetwork,
  benchPort,
  benchTag,
  kernelBenchMissing,
  nftRuleset,
  withBenchNetns,
} from './dataplane-bench-host.js';

const name = 'sg-rule-update';
const samples = 10;
const groups = 20;
const portsPerNetwork = 50;
/** The first destination port of the changed rule; every sample moves it to a fresh one. */
const changedPortBase = 40_000;

const kb = (bytes: number) => Math.round(bytes / 100) / 10;

/** Rule `j` of group `g`: TCP to its own port from its own /24, so no two rules fold together. */
function groupRule(g: number, j: number, port = 1_000 + g * 1_000 + j): SecurityRule {
  return {
    direction: 'ingress',
    ethertype: 'IPv4',
    protocol: 'tcp',
    port_range_min: port,
    port_range_max: port,
    remote_ip_prefix: `10.${100 + g}.${j % 256}.0/24`,
    remote_group_id: null,
  };
}

/** `rules` rules spread over `groups` groups, `ports` ports each in one group; rule 0 of group 0 set to `changed`. */
function stateOf(tag: string, rules: number, ports: number, changed: number): HostNetworkState {
  const perGroup = Math.ceil(rules / groups);
  const groupRules = Array.from({ length: groups }, (_, g) =>
    Array.from({ length: perGroup }, (_, j) =>
      g === 0 && j === 0 ? groupRule(g, j, changed) : groupRule(g, j),
    ),
  );
  const networks = Array.from({ length: Math.ceil(ports / portsPerNetwork) }, (_, n) =>
    benchNetwork(`bench-${tag}-net-${n}`, 61_000 + n),
  );
  return {
    networks,
    ports: Array.from({ length: ports }, (_, i) =>
      benchPort(tag, i, networks[Math.floor(i / portsPerNetwork)]!.id, groupRules[i % groups]!),
    ),
    remoteGroups: {},
  };
}

async function measure(netns: string, tag: string, opts: BenchOptions, progress: BenchProgress) {
  const { sgRules: rules, sgPorts: ports } = opts;
  const dp = new LinuxDataplane({ netns, tunnelIp: '127.0.0.1' });
  progress(`${name}: ${ports} ports with ${rules} rules in ${groups} groups, first sync`);
  await dp.sync(stateOf(tag, rules, ports, changedPortBase));
  progress(`${name}: ${samples} rule changes through the sync, then ${samples} transactions alone`);
  const pass: number[] = [];
  const written: number[] = [];
  for (let k = 1; k <= samples; k++) {
    const t0 = performance.now();
    await dp.sync(stateOf(tag, rules, ports, changedPortBase + k));
    pass.push(performance.now() - t0);
    const write = dp.lastFilterWrite;
    if (write.kind !== 'delta')
      throw new Error(`${name}: a rule change wrote ${write.kind}, not its difference`);
    written.push(write.transaction.length);
  }
  const ruleset = await nftRuleset(netns);
  if (!ruleset.includes(String(changedPortBase + samples)))
    throw new Error(`${name}: the last rule change is not in the applied ruleset`);
  const compile: number[] = [];
  const apply: number[] = [];
  let whole = 0;
  for (let k = 1; k <= samples; k++) {
    const t0 = performance.now();
    const plan = planHost(stateOf(tag, rules, ports, changedPortBase + samples + k), [], dp.config);
    const text = compileRuleset(plan.filters, plan.members);
    const t1 = performance.now();
    whole = text.length;
    await applyNft(netns, text);
    compile.push(t1 - t0);
    apply.push(performance.now() - t1);
  }
  await dp.close();
  return {
    pass: summarize(pass),
    written: summarize(written),
    whole,
    compile: summarize(compile),
    apply: summarize(apply),
  };
}

/**
 * The linux dataplane in-process on a namespace of its own: `--sg-ports` ports whose groups
 * hold `--sg-rules` rules in all, then one rule changed at a time. Timed: the sync pass
 * (its filter goes first, so this is rule change to its difference applied, plus one link
 * read), the size of what it wrote, and for reference the whole ruleset's compile and
 * `nft -f` (what every change cost before the sync wrote differences).
 */
export const sgRuleUpdateBench: Benchmark = {
  name,
  description:
    'linux dataplane: one security group rule changed with 1,000 rules on 200 ports, to nft applied',
  run: async (opts: BenchOptions, progress): Promise<BenchResult> => {
    const missing = kernelBenchMissing();
    if (missing !== undefined) return skippedResult(name, missing);
    const tag = benchTag();
    const r = await withBenchNetns(`sbsg-${tag}`, (ns) => measure(ns, tag, opts, progress));
    const what = `${opts.sgRules} rules, ${opts.sgPorts} ports`;
    return {
      name,
      metrics: [
        {
          name: `rule change to nft applied (sync pass) p50, ${what} (n=${samples})`,
          value: r.pass.p50,
          unit: 'ms',
          target: { text: '< 1000 ms (issue 13: within a second)', met: r.pass.p50 < 1000 },
        },
        { name: 'rule change to nft applied (sync pass) p99', value: r.pass.p99, unit: 'ms' },
        {
          name: 'transaction the sync pass wrote (the difference) p50',
          value: kb(r.written.p50),
          unit: 'KB',
        },
        { name: 'whole ruleset, for reference', value: kb(r.whole), unit: 'KB' },
        { name: 'plan + compile of the whole ruleset p50', value: r.compile.p50, unit: 'ms' },
        { name: '`nft -f` of the whole ruleset p50', value: r.apply.p50, unit: 'ms' },
      ],
    };
  },
};
