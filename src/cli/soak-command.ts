import { Command, InvalidArgumentError } from 'commander';
import { formatSoakReport } from '../soak/soak-report.js';
import type { SoakOptions } from '../soak/soak-run.js';
import { runSoak } from '../soak/soak-run.js';

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
};
const whole = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
};

interface SoakFlags {
  readonly minutes: number;
  readonly serverClients: number;
  readonly containerClients: number;
  readonly vmClients: number;
  readonly vmHold: number;
  readonly faultEvery: number;
  readonly taskTimeout: number;
}

/** `strata soak`: the chaos soak; prints the counts and exits 1 on any invariant violation. */
export function soakCommand(): Command {
  return new Command('soak')
    .description(
      'chaos soak: servers (fake on a separate agent, runc as root, QEMU VMs), images and projects under load while the control plane and the agent are killed (-9), containers and QEMU processes are killed and the data dir fills up; then checks the invariants',
    )
    .option('--minutes <n>', 'how long the clients run', positive, 10)
    .option('--server-clients <n>', 'clients cycling servers on the fake driver', whole, 3)
    .option('--container-clients <n>', 'clients cycling runc containers (root with runc only)', whole, 2)
    .option(
      '--vm-clients <n>',
      'clients cycling QEMU VMs (with qemu only; each TCG boot is CPU-heavy)',
      whole,
      1,
    )
    .option(
      '--vm-hold <sec>',
      'how long a VM client keeps its VM running before it deletes it (longer than the 30 s power sync)',
      positive,
      90,
    )
    .option('--fault-every <sec>', 'seconds between injected faults', positive, 15)
    .option(
      '--task-timeout <sec>',
      'how long a server may stay in a task before it counts as stuck',
      positive,
      120,
    )
    .action(async (flags: SoakFlags) => {
      const opts: SoakOptions = {
        minutes: flags.minutes,
        serverClients: flags.serverClients,
        containerClients: flags.containerClients,
        vmClients: flags.vmClients,
        vmHoldSec: flags.vmHold,
        faultEverySec: flags.faultEvery,
        taskTimeoutSec: flags.taskTimeout,
      };
      // A wait nothing can end would let Node exit 0 with no report: say so and fail instead.
      const stalled = () => {
        process.stderr.write('strata soak: stalled (nothing left that could end a wait); no report\n');
        process.exit(1);
      };
      process.on('beforeExit', stalled);
      const progress = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      const report = await runSoak(opts, progress);
      process.off('beforeExit', stalled);
      process.stdout.write(formatSoakReport(report));
      if (report.tally.violations.length > 0) {
        process.stderr.write('strata soak: invariants were violated (see above)\n');
        process.exitCode = 1;
      }
    });
}
