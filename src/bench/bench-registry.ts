import { agentMemoryBench } from './agent-memory-bench.js';
import type { Benchmark } from './benchmark.js';
import { bootStormBench } from './boot-storm-bench.js';
import { containerBootBench } from './container-boot-bench.js';
import { dashboardLoadBench } from './dashboard-load-bench.js';
import { dashboardPagingBench } from './dashboard-paging-bench.js';
import { diskHotplugBench } from './disk-hotplug-bench.js';
import { idleMemoryBench } from './idle-memory-bench.js';
import { metricsScrapeBench } from './metrics-scrape-bench.js';
import { nicAttachBench } from './nic-attach-bench.js';
import { pingAfterCreateBench } from './dataplane/ping-after-create-bench.js';
import { portPlugBench } from './dataplane/port-plug-bench.js';
import { dataplaneThroughputBench } from './dataplane/dataplane-throughput-bench.js';
import { sgRuleUpdateBench } from './dataplane/sg-rule-update-bench.js';
import { passwordHashBench } from './password-hash-bench.js';
import { portCreateBench } from './port-create-bench.js';
import { portListBench } from './port-list-bench.js';
import { schedulerBench } from './scheduler-bench.js';
import { serverListBench } from './server-list-bench.js';
import { startupBench } from './startup-bench.js';
import { tokenIssueBench } from './token-issue-bench.js';
import { tokenValidateBench } from './token-validate-bench.js';
import { vmBootBench } from './vm-boot-bench.js';
import { volumeAttachBench } from './volume-attach-bench.js';
import { volumeCloneBench } from './volume-clone-bench.js';
import { volumeCreateBench } from './volume-create-bench.js';
import { volumeIoBench } from './volume-io-bench.js';

/** Every benchmark, in the order `strata bench` runs them; adding one is one line here. */
export const benchmarks = {
  'password-hash': passwordHashBench,
  'token-issue': tokenIssueBench,
  'token-validate': tokenValidateBench,
  'idle-memory': idleMemoryBench,
  startup: startupBench,
  scheduler: schedulerBench,
  'boot-storm': bootStormBench,
  'server-list': serverListBench,
  'port-create': portCreateBench,
  'port-list': portListBench,
  'vm-boot': vmBootBench,
  'container-boot': containerBootBench,
  'disk-hotplug': diskHotplugBench,
  'nic-attach': nicAttachBench,
  'agent-memory': agentMemoryBench,
  'volume-create': volumeCreateBench,
  'volume-clone': volumeCloneBench,
  'volume-attach': volumeAttachBench,
  'volume-io': volumeIoBench,
  'ping-after-create': pingAfterCreateBench,
  'port-plug': portPlugBench,
  'sg-rule-update': sgRuleUpdateBench,
  'dataplane-throughput': dataplaneThroughputBench,
  'dashboard-load': dashboardLoadBench,
  'dashboard-paging': dashboardPagingBench,
  'metrics-scrape': metricsScrapeBench,
} as const satisfies Record<string, Benchmark>;

export type BenchmarkName = keyof typeof benchmarks;
