import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { LocalAgents } from '../agent/fleet/local-agents.js';
import type { FakeHostShape } from '../agent/drivers/fake/fake-driver.js';
import type { StrataConfig } from '../common/config.js';
import type { RunningController } from '../common/reconcile/controller.js';
import { startController } from '../common/reconcile/controller.js';
import type { Clock } from '../common/time.js';
import type { StrataDb } from '../db/database.js';
import { AgentGateway } from './agent-gateway/agent-gateway.js';
import type { ComputeDeps, ComputeImages, ComputeSignals } from './compute-deps.js';
import { defaultPipeline } from '../scheduler/pipeline.js';
import { hostReservedFrom } from '../agent/agent.js';
import { availableDrivers, drivers, hostDriver } from '../agent/drivers/registry.js';
import { HostStateCache } from './scheduling/host-state-cache.js';
import { schedulingController, schedulingKey } from './scheduling/scheduling-controller.js';
import { buildTimeoutController } from './agent-gateway/build-timeout.js';

export interface ComputeRuntimeInputs {
  readonly store: StrataDb;
  readonly clock: Clock;
  readonly config: StrataConfig;
  readonly log: Logger;
  readonly images: ComputeImages;
  readonly placement: ComputeDeps['placement'];
}

const schedulingWindowMs = 5;

/**
 * The moving parts behind the compute API: the scheduling controller, the agent gateway
 * (the control plane for host agents) and the agents running in this process. The API
 * wakes them through `signals`; each also resyncs, so a lost signal only delays work.
 */
export class ComputeRuntime {
  readonly deps: ComputeDeps;
  readonly gateway: AgentGateway;
  readonly agents: LocalAgents;
  #scheduling: RunningController<string> | undefined;
  #buildTimeout: RunningController<string> | undefined;
  readonly #hostCache: HostStateCache;

  constructor(readonly inputs: ComputeRuntimeInputs) {
    const signals: ComputeSignals = {
      // A short window lets a burst of creates share one pass (one snapshot, one placement commit).
      scheduling: () => this.#scheduling?.queue.addAfter(schedulingKey, schedulingWindowMs),
      host: (host, serverId) => this.gateway.notify(host, serverId),
      finalize: () => undefined,
      hostsChanged: () => this.#hostCache.invalidate(),
    };
    this.deps = {
      store: inputs.store,
      clock: inputs.clock,
      config: inputs.config,
      images: inputs.images,
      placement: inputs.placement,
      signals,
      consoles: { consoleLog: (host, id, n) => this.gateway.requestConsole(host, id, n) },
      schedulerStrategy: inputs.config.schedulerStrategy,
      serviceDownTimeSec: inputs.config.serviceDownTimeSec,
      controlPlane: () => this.gateway,
    };
    this.#hostCache = new HostStateCache(this.deps, defaultPipeline(this.deps.schedulerStrategy));
    this.gateway = new AgentGateway(this.deps);
    this.agents = new LocalAgents(this.gateway.controlPlane, inputs.log);
  }

  /** Starts the scheduler and the in-process hosts the configuration asks for. */
  async start(): Promise<void> {
    this.#scheduling = startController(schedulingController(this.deps, this.#hostCache), {
      workers: 1,
      resyncMs: 5_000,
      log: this.inputs.log,
    });
    // A timeout of minutes needs no finer check than every 30 s.
    this.#buildTimeout = startController(buildTimeoutController(this.deps), {
      workers: 1,
      resyncMs: 30_000,
      log: this.inputs.log,
    });
    await this.#startLocalHost();
  }

  /** The all-in-one's own host: real drivers when asked for or available, else fake hosts. */
  async #startLocalHost(): Promise<void> {
    const c = this.inputs.config;
    if (c.computeDriver === 'none') return;
    let names =
      c.computeDriver === 'auto' ? availableDrivers() : c.computeDriver.split(',').map((n) => n.trim());
    if (names.length === 0) {
      this.inputs.log.warn(
        { missing: Object.fromEntries(Object.entries(drivers).map(([n, d]) => [n, d.missing()])) },
        'no real compute driver can run here (install qemu-system-x86 and qemu-utils, or runc as root): using the fake driver',
      );
      names = ['fake'];
    }
    if (names.length === 1 && names[0] === 'fake') {
      if (c.fakeHosts > 0) await this.agents.addFakeHosts(c.fakeHosts, fakeHostShapeOf(c));
      return;
    }
    await this.agents.add(hostname(), hostDriver(names, c.dataDir), {
      reserved: hostReservedFrom(c.hostReserved),
    });
  }

  async stop(): Promise<void> {
    await this.agents.stopAll();
    await this.#scheduling?.stop();
    await this.#buildTimeout?.stop();
  }
}

/** The fake hosts' size and latency from the configuration (`fakeHostShape`, `fakeCreateDelayMs`). */
function fakeHostShapeOf(c: StrataConfig): FakeHostShape {
  const s = c.fakeHostShape;
  return {
    vcpus: s['vcpus'] ?? 64,
    memoryMb: s['memory_mb'] ?? 262_144,
    diskGb: s['disk_gb'] ?? 4_096,
    createDelayMs: c.fakeCreateDelayMs,
  };
}
