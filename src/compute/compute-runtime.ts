import type { VolumeApi } from '../volume/volume-api.js';
import { blockDeviceController } from './block-devices/block-device-controller.js';
import type { Logger } from 'pino';
import { LocalAgents } from '../agent/fleet/local-agents.js';
import type { StrataConfig } from '../common/config.js';
import type { CloudMetrics } from '../common/metrics/cloud-metrics.js';
import type { RunningController } from '../common/reconcile/controller.js';
import { startController } from '../common/reconcile/controller.js';
import type { Clock } from '../common/time.js';
import type { StrataDb } from '../db/database.js';
import { AgentGateway } from './agent-gateway/agent-gateway.js';
import type { ComputeDeps, ComputeImages, ComputeSignals } from './compute-deps.js';
import { defaultPipeline } from '../scheduler/pipeline.js';
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
  readonly projects?: ComputeDeps['projects'];
  readonly network: ComputeDeps['network'];
  readonly metrics?: CloudMetrics;
}

const schedulingWindowMs = 5;

/**
 * The moving parts behind the compute API: the scheduling controller, the agent gateway
 * (the control plane for host agents) and the agents running in this process (which
 * agent/fleet/local-host.ts starts as the configuration asks). The API
 * wakes them through `signals`; each also resyncs, so a lost signal only delays work.
 */
export class ComputeRuntime {
  readonly deps: ComputeDeps;
  readonly gateway: AgentGateway;
  readonly agents: LocalAgents;
  #scheduling: RunningController<string> | undefined;
  #buildTimeout: RunningController<string> | undefined;
  readonly #hostCache: HostStateCache;
  #blockDevices: RunningController<string> | undefined;
  #volumes: VolumeApi | undefined;

  constructor(readonly inputs: ComputeRuntimeInputs) {
    const signals: ComputeSignals = {
      // A short window lets a burst of creates share one pass (one snapshot, one placement commit).
      scheduling: () => this.#scheduling?.queue.addAfter(schedulingKey, schedulingWindowMs),
      host: (host, serverId, only) => this.gateway.notify(host, serverId, only),
      finalize: () => undefined,
      hostsChanged: () => this.#hostCache.invalidate(),
      blockDevices: (serverId) => this.#blockDevices?.queue.add(serverId),
    };
    this.deps = {
      store: inputs.store,
      clock: inputs.clock,
      config: inputs.config,
      images: inputs.images,
      placement: inputs.placement,
      ...(inputs.projects && { projects: inputs.projects }),
      network: inputs.network,
      signals,
      consoles: {
        consoleLog: (host, id, n) => this.gateway.requestConsole(host, id, n),
        serial: (host) => this.gateway.serialConsoles(host),
      },
      schedulerStrategy: inputs.config.schedulerStrategy,
      serviceDownTimeSec: inputs.config.serviceDownTimeSec,
      controlPlane: () => this.gateway,
      volumes: () => this.#volumes,
    };
    this.#hostCache = new HostStateCache(this.deps, defaultPipeline(this.deps.schedulerStrategy));
    this.gateway = new AgentGateway(this.deps);
    this.agents = new LocalAgents(this.gateway.controlPlane, inputs.log, inputs.metrics);
  }

  /** Block storage, for servers' block device mappings (boot from volume); call before start. */
  bindVolumes(volumes: VolumeApi): void {
    this.#volumes = volumes;
  }

  /** Starts the scheduler and the build timeout; the in-process hosts start apart (agent/fleet/local-host.ts). */
  start(): void {
    const log = this.inputs.log;
    const observer = this.inputs.metrics?.controllers;
    const placed = (n: number) => this.inputs.metrics?.placements.inc(n);
    this.#scheduling = startController(schedulingController(this.deps, this.#hostCache, placed), {
      workers: 1,
      resyncMs: 5_000,
      log,
      observer,
    });
    this.#blockDevices = startController(blockDeviceController(this.deps), {
      workers: 2,
      resyncMs: 5_000,
      log,
      observer,
    });
    // A timeout of minutes needs no finer check than every 30 s.
    this.#buildTimeout = startController(buildTimeoutController(this.deps), {
      workers: 1,
      resyncMs: 30_000,
      log,
      observer,
    });
  }

  async stop(): Promise<void> {
    await this.agents.stopAll();
    await this.#scheduling?.stop();
    await this.#buildTimeout?.stop();
    await this.#blockDevices?.stop();
  }
}
