/** Knobs every benchmark reads; the `bench` command fills them from its flags. */
export interface BenchOptions {
  /** Sequential token issues timed (each costs one password hash). */
  readonly issues: number;
  /** Sequential token validations timed, over HTTP and in-process each. */
  readonly validates: number;
  /** Seconds each concurrent-load phase runs. */
  readonly durationSec: number;
  /** Concurrent clients in a load phase. */
  readonly concurrency: number;
  /** Seconds `strata up` sits idle before its memory is read. */
  readonly idleSec: number;
  /** Starts timed per start-up case (fresh, existing data). */
  readonly runs: number;
  /** Fake hosts the boot storm runs (real agents, in-memory driver). */
  readonly hosts: number;
  /** Servers the boot storm creates, and servers present while `server-list` lists. */
  readonly servers: number;
  /** Concurrent HTTP clients creating servers in the boot storm. */
  readonly stormClients: number;
  /** Ports `port-create` creates, and ports present while `port-list` lists. */
  readonly ports: number;
  /** Sequential `GET /servers/detail?limit=1000` (and `GET /v2.0/ports`) requests timed. */
  readonly lists: number;
  /** Host counts the scheduler benchmark places on, e.g. [1000, 10000]. */
  readonly schedulerHosts: ReadonlyArray<number>;
  /** QEMU VMs `vm-boot` boots one after another, then the same count at once. */
  readonly vmBoots: number;
  /** runc containers `container-boot` creates one after another, then the same count at once. */
  readonly containerBoots: number;
  /** Containers running while `agent-memory` reads the process RSS. */
  readonly memoryContainers: number;
  /** VMs running while `agent-memory` reads the process RSS. */
  readonly memoryVms: number;
  /** Volumes created, cloned or attached one after another by the volume benchmarks. */
  readonly volumeOps: number;
  /** MiB of the image volumes are made from (`volume-create`) and of the volume cloned. */
  readonly volumeImageMib: number;
  /** MiB written then read, sequentially, by `volume-io` on each path. */
  readonly volumeIoMib: number;
  /** Ports the host carries before `port-plug` plugs one more. */
  readonly dataplanePorts: number;
  /** Security group rules in all, and the ports they are spread over, in `sg-rule-update`. */
  readonly sgRules: number;
  readonly sgPorts: number;
  /** Servers `ping-after-create` creates per kind (container, VM), one after another. */
  readonly pingSamples: number;
  /** Cold loads of the dashboard timed (each in a fresh browser context); the median is reported. */
  readonly pageLoads: number;
  /** Servers present while `dashboard-paging` pages the instances page (the issue's: 1,000). */
  readonly dashboardServers: number;
  /** Next-page clicks (and in-app first-page visits) `dashboard-paging` times. */
  readonly dashboardPages: number;
  /** Servers present while `metrics-scrape` scrapes /metrics (the issue's: 10,000). */
  readonly metricsServers: number;
  /** Sequential GET /metrics timed. */
  readonly scrapes: number;
}

/** A stated goal for one figure; `met` is absent for a reference figure that is not pass/fail. */
export interface BenchTarget {
  readonly text: string;
  readonly met?: boolean;
}

export interface BenchMetric {
  readonly name: string;
  readonly value: number;
  readonly unit:
    | 'ms'
    | 's'
    | 'req/s'
    | 'servers/s'
    | 'placements/s'
    | 'MiB'
    | 'exit code'
    | '%'
    | 'MiB/s'
    | 'Mbit/s'
    | 'KB';
  readonly target?: BenchTarget;
}

export interface BenchResult {
  readonly name: string;
  readonly metrics: ReadonlyArray<BenchMetric>;
  /** Why nothing was measured (a driver this machine cannot run); printed as `skipped: <reason>`. */
  readonly skipped?: string;
  /** Facts that are not numbers (the accelerator QEMU used), printed under the table. */
  readonly notes?: ReadonlyArray<string>;
}

/** The result of a benchmark that cannot run here; it neither passes nor misses a target. */
export function skippedResult(name: string, reason: string): BenchResult {
  return { name, metrics: [], skipped: reason };
}

/** Reports progress on stderr so `--json` output stays clean. */
export type BenchProgress = (line: string) => void;

/**
 * One benchmark. `run` starts whatever it measures (an in-process cloud or a child
 * `strata up`) and stops and deletes it before returning, also when it throws.
 */
export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(opts: BenchOptions, progress: BenchProgress): Promise<BenchResult>;
}
