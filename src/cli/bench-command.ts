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

/** `strata bench`: runs the benchmarks, prints a table (or JSON), and exits 1 when a target is missed. */
export function benchCommand(): Command {
  return new Command('bench')
    .description('measure token issue/validate, idle memory and start-up time against the targets')
    .addOption(new Option('--only <name>', 'run one benchmark').choices(Object.keys(benchmarks)))
    .option('--json', 'print machine-readable JSON on stdout')
    .option('--duration <sec>', 'seconds per concurrent-load phase', positive, 5)
    .option('--concurrency <n>', 'concurrent HTTP clients in load phases', count, 8)
    .option('--issues <n>', 'sequential token issues timed', count, 200)
    .option('--validates <n>', 'sequential token validations timed (HTTP and in-process each)', count, 5000)
    .option('--idle <sec>', 'seconds `strata up` idles before its RSS is read', positive, 5)
    .option('--runs <n>', 'starts timed per start-up case', count, 3)
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
