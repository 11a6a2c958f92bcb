import { Command, InvalidArgumentError, Option } from 'commander';
import type { BenchOptions, BenchResult } from '../bench/benchmark.js';
import type { BenchmarkName } from '../bench/bench-registry.js';
import { benchmarks } from '../bench/bench-registry.js';
import { allTargetsMet, formatMachine, formatTable } from '../bench/bench-table.js';
import { machineInfo } from '../bench/machine-info.js';

interface BenchFlags {
  readonly only?: BenchmarkName;
  readonly json?: boolean;
  readonly duration: number;
  readonly concurrency: number;
  readonly issues: number;
  readonly validates: number;
  readonly idle: number;
  readonly runs: number;
  readonly hosts: number;
  readonly servers: number;
  readonly stormClients: number;
  readonly ports: number;
  readonly lists: number;
  readonly schedulerHosts: ReadonlyArray<number>;
  readonly vmBoots: number;
  readonly containerBoots: number;
  readonly memoryContainers: number;
  readonly memoryVms: number;
  readonly volumeOps: number;
  readonly volumeImageMib: number;
  readonly volumeIoMib: number;
  readonly dataplanePorts: number;
  readonly sgRules: number;
  readonly sgPorts: number;
  readonly pingSamples: number;
  readonly pageLoads: number;
  readonly dashboardServers: number;
  readonly dashboardPages: number;
  readonly metricsServers: number;
  readonly scrapes: number;
}

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
};
const count = (v: string) => {
  const n = positive(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

const counts = (v: string) => v.split(',').map((one) => count(one.trim()));

/** `strata bench`: runs the benchmarks, prints a table (or JSON), and exits 1 when a target is missed. */
export function benchCommand(): Command {
  return new Command('bench')
    .description(
      'measure token issue/validate, idle memory, start-up, scheduling, server boot (fake, QEMU, runc), agent memory, the dashboard and /metrics against the targets',
    )
    .addOption(new Option('--only <name>', 'run one benchmark').choices(Object.keys(benchmarks)))
    .option('--json', 'print machine-readable JSON on stdout')
    .option('--duration <sec>', 'seconds per concurrent-load phase', positive, 5)
    .option('--concurrency <n>', 'concurrent HTTP clients in load phases', count, 8)
    .option('--issues <n>', 'sequential token issues timed', count, 200)
    .option('--validates <n>', 'sequential token validations timed (HTTP and in-process each)', count, 5000)
    .option('--idle <sec>', 'seconds `strata up` idles before its RSS is read', positive, 5)
    .option('--runs <n>', 'starts timed per start-up case', count, 3)
    .option('--hosts <n>', 'fake hosts in the boot storm', count, 1000)
    .option('--servers <n>', 'servers the boot storm creates and server-list lists', count, 10_000)
    .option('--storm-clients <n>', 'concurrent HTTP clients creating servers in the boot storm', count, 24)
    .option('--ports <n>', 'ports port-create creates and port-list lists', count, 10_000)
    .option('--lists <n>', 'sequential GET /servers/detail?limit=1000 timed', count, 50)
    .addOption(
      new Option('--scheduler-hosts <list>', 'host counts the scheduler places on (comma-separated)')
        .argParser(counts)
        .default([1000, 10_000], '1000,10000'),
    )
    .option('--vm-boots <n>', 'VMs vm-boot boots one after another, then at once', count, 10)
    .option(
      '--container-boots <n>',
      'containers container-boot creates one after another, then at once',
      count,
      50,
    )
    .option('--memory-containers <n>', 'containers running while agent-memory reads RSS', count, 20)
    .option('--memory-vms <n>', 'VMs running while agent-memory reads RSS', count, 4)
    .option('--volume-ops <n>', 'volumes created, cloned or attached one after another', count, 10)
    .option('--volume-image-mib <n>', 'MiB of the image volume-create and volume-clone copy', count, 1024)
    .option('--volume-io-mib <n>', 'MiB volume-io writes and reads on each path', count, 256)
    .option('--dataplane-ports <n>', 'ports on the host before port-plug plugs one more', count, 500)
    .option('--sg-rules <n>', 'security group rules in sg-rule-update', count, 1000)
    .option('--sg-ports <n>', 'ports the sg-rule-update rules apply to', count, 200)
    .option('--ping-samples <n>', 'servers ping-after-create creates per kind', count, 3)
    .option('--page-loads <n>', 'cold dashboard loads timed in headless Chromium (median)', count, 3)
    .option('--dashboard-servers <n>', 'servers while dashboard-paging pages (issue 17: 1000)', count, 200)
    .option('--dashboard-pages <n>', 'next-page clicks dashboard-paging times', count, 9)
    .option('--metrics-servers <n>', 'servers while metrics-scrape scrapes (issue 17: 10000)', count, 1000)
    .option('--scrapes <n>', 'sequential GET /metrics timed', count, 20)
    .action(async (flags: BenchFlags) => runBench(flags));
}

async function runBench(flags: BenchFlags): Promise<void> {
  const opts: BenchOptions = {
    issues: flags.issues,
    validates: flags.validates,
    durationSec: flags.duration,
    concurrency: flags.concurrency,
    idleSec: flags.idle,
    runs: flags.runs,
    hosts: flags.hosts,
    servers: flags.servers,
    stormClients: flags.stormClients,
    ports: flags.ports,
    lists: flags.lists,
    schedulerHosts: flags.schedulerHosts,
    vmBoots: flags.vmBoots,
    containerBoots: flags.containerBoots,
    memoryContainers: flags.memoryContainers,
    memoryVms: flags.memoryVms,
    volumeOps: flags.volumeOps,
    volumeImageMib: flags.volumeImageMib,
    volumeIoMib: flags.volumeIoMib,
    dataplanePorts: flags.dataplanePorts,
    sgRules: flags.sgRules,
    sgPorts: flags.sgPorts,
    pingSamples: flags.pingSamples,
    pageLoads: flags.pageLoads,
    dashboardServers: flags.dashboardServers,
    dashboardPages: flags.dashboardPages,
    metricsServers: flags.metricsServers,
    scrapes: flags.scrapes,
  };
  const names = flags.only ? [flags.only] : (Object.keys(benchmarks) as BenchmarkName[]);
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const machine = machineInfo();
  const results: BenchResult[] = [];
  for (const name of names) results.push(await benchmarks[name].run(opts, progress));
  if (flags.json) process.stdout.write(`${JSON.stringify({ machine, options: opts, results }, null, 2)}\n`);
  else process.stdout.write(`\n${formatMachine(machine)}\n\n${formatTable(results)}`);
  if (!allTargetsMet(results)) {
    process.stderr.write('strata bench: a target was missed (see status MISSED)\n');
    process.exitCode = 1;
  }
}
