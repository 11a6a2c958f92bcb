import { Command, InvalidArgumentError } from 'commander';
import type { TestImageKind } from '../agent/test-images/test-image-set.js';
import { buildTestImage, testImageCacheDir, testImageNames } from '../agent/test-images/test-image-set.js';
import { printTestImagesJson, testImageKinds } from './test-images.js';
import { keyNumberList } from '../common/config.js';
import { agentCommand } from './agent-command.js';
import { benchCommand } from './bench-command.js';
import { soakCommand } from './soak-command.js';
import { up } from './up-command.js';
import { down } from './down-command.js';

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
};

const count = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
};

const program = new Command('strata').description('A private cloud that speaks the OpenStack APIs');

program
  .command('up')
  .description('run the all-in-one cloud on this machine')
  .option('--data-dir <dir>', 'state, keys, logs and clouds.yaml (default ./.data)')
  .option('--port <n>', 'port to listen on, 0 for any free port (default 5000)', port)
  .option('--host <addr>', 'address to listen on (default 127.0.0.1)')
  .option('--database-url <url>', 'sqlite:<path> or postgres://… (default sqlite in the data dir)')
  .option('--public-url <url>', 'base URL clients use (default http://<host>:<port>)')
  .option('--admin-password <pw>', 'set the admin password (default: generated once and kept)')
  .option('--log-level <level>', 'trace, debug, info, warn, error (default info)')
  .option('--log-file <path>', "where JSON logs go (default 'stdout')")
  .option('--config <file>', 'YAML configuration file (default <data-dir>/strata.yaml)')
  .option(
    '--compute-driver <names>',
    "drivers of the local host: 'auto' (real drivers this machine can run), e.g. 'qemu,runc', 'fake' or 'none'",
  )
  .option('--fake-hosts <n>', 'how many in-process fake hosts to run with the fake driver (default 1)', count)
  .option(
    '--fake-host-shape <list>',
    'size of each fake host (default vcpus=64,memory_mb=262144,disk_gb=4096)',
    keyNumberList,
  )
  .option('--fake-create-delay-ms <ms>', 'simulated latency of every fake create (default 0)', count)
  .action(async (opts: Parameters<typeof up>[0]) => up(opts));

program
  .command('down')
  .description(
    'tear down the all-in-one cloud of a data dir: stop its strata up, end its workloads, and remove its namespaces, dnsmasq, bridges and nft tables (the data dir stays)',
  )
  .option('--data-dir <dir>', 'the cloud’s data dir (default ./.data)')
  .option('--config <file>', 'YAML configuration file (default <data-dir>/strata.yaml)')
  .option('--grace-seconds <n>', 'how long strata up gets to stop after SIGTERM (default 30)', count)
  .action(async (opts: Parameters<typeof down>[0]) => down(opts));

program
  .command('agent')
  .description('run this machine as a compute host of a Strata control plane elsewhere')
  .option('--clouds-yaml <file>', 'clouds.yaml with the service credential (default $OS_CLIENT_CONFIG_FILE)')
  .option('--cloud <name>', 'the entry to use (default $OS_CLOUD, else strata)')
  .option('--hostname <name>', 'the host name to register (default this machine’s)')
  .option('--data-dir <dir>', 'workload state and image cache (default ./.agent-data)')
  .option(
    '--compute-driver <names>',
    "'auto' (default: every real driver this machine can run), e.g. 'qemu,runc' or 'fake'",
  )
  .option('--availability-zone <zone>', 'zone of this host (default nova)')
  .option(
    '--dataplane <name>',
    "network dataplane: 'auto' (default: linux when root with ip, bridge, nft, dnsmasq and br_netfilter, else fake), 'linux' or 'fake' (wires nothing)",
  )
  .option(
    '--physical-network <name:interface>',
    'host interface of a flat or VLAN physical network (repeatable)',
    (v: string, prev: string[] = []) => [...prev, v],
  )
  .option('--tunnel-ip <addr>', 'VXLAN underlay address (default: the one that reaches the control plane)')
  .option(
    '--namespace-prefix <prefix>',
    "put before the machine-wide names of the linux dataplane (qrouter-, qdhcp-, strata-external): several agents on one machine (default '')",
  )
  .option(
    '--reserved <list>',
    'kept for the host: cpus=N,memory_mb=N,disk_gb=N (default memory_mb=512)',
    keyNumberList,
  )
  .option('--log-level <level>', 'trace, debug, info, warn, error (default info)')
  .option('--log-file <path>', "where JSON logs go (default 'stdout')")
  .action(async (opts: Parameters<typeof agentCommand>[0]) => agentCommand(opts));

program
  .command('test-images')
  .description('build (or find in the cache) the bootable VM and container test images, and print where')
  .option('--cache-dir <dir>', 'where they are kept (default ~/.cache/strata/test-images)')
  .option('--kind <list>', 'vm, container or both, comma-separated (default both)', testImageKinds)
  .option('--json', 'one JSON line per kind, with the reason when it cannot be built here')
  .action(async (opts: { cacheDir?: string; kind?: TestImageKind[]; json?: boolean }) => {
    const kinds = opts.kind ?? (['vm', 'container'] as const);
    const cacheDir = opts.cacheDir ?? testImageCacheDir();
    if (opts.json === true) return printTestImagesJson(kinds, cacheDir);
    for (const kind of kinds) {
      const built = await buildTestImage(kind, cacheDir);
      process.stdout.write(
        `${testImageNames[kind]}\t${built.diskFormat}/${built.containerFormat}\t${built.path}\n`,
      );
    }
  });

program.addCommand(benchCommand());
program.addCommand(soakCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`strata: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
