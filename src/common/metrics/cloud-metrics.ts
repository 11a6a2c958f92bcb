import { Histogram, Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ControllerObserver } from '../reconcile/controller.js';

/**
 * Process-wide figures (memory, event-loop lag, GC): one set per process, however many
 * clouds a test builds in it, because the process is what they describe.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'strata_' });
  }
  return processRegistry;
}

/** A figure read at scrape time (a count in the database, a pool's state). */
export interface ScrapedGauge {
  readonly name: string;
  readonly help: string;
  readonly labelNames: ReadonlyArray<string>;
  collect(): Promise<ReadonlyArray<{ labels: Record<string, string>; value: number }>>;
}

/**
 * One cloud's metrics registry. Instruments are created here so their names and labels are
 * in one place; subsystems get the instrument they feed, never the registry.
 */
export class CloudMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'strata_http_requests_total',
    help: 'HTTP requests answered, by service, route template, method and status.',
    labelNames: ['service', 'route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'strata_http_request_duration_seconds',
    help: 'Time from a request arriving to its response sent, by service, route and method.',
    labelNames: ['service', 'route', 'method'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly dbWrites = new Histogram({
    name: 'strata_db_write_seconds',
    help: 'Duration of the short write transactions services run through StrataDb.write, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly reconcileDuration = new Histogram({
    name: 'strata_reconcile_duration_seconds',
    help: 'One reconcile pass of a controller (the scheduler: one scheduling pass), by controller and outcome.',
    labelNames: ['controller', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly agentSteps = new Histogram({
    name: 'strata_agent_step_duration_seconds',
    help: "An agent's step on a workload (spawn, stop, reboot, ...), by driver, step and outcome.",
    labelNames: ['driver', 'step', 'outcome'] as const,
    buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  readonly placements = new Counter({
    name: 'strata_scheduler_placements_total',
    help: 'Servers the scheduler placed on a host (rate() gives placements per second).',
    registers: [this.registry],
  });

  readonly #queues = new Map<string, Set<() => number>>();

  constructor() {
    const queues = this.#queues;
    new Gauge({
      name: 'strata_controller_queue_depth',
      help: 'Keys waiting in the work queues of a kind of controller, summed over its instances.',
      labelNames: ['controller'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [kind, depths] of queues) {
          let n = 0;
          for (const depth of depths) n += depth();
          this.set({ controller: kind }, n);
        }
      },
    });
  }

  /** What startController reports to. */
  readonly controllers: ControllerObserver = {
    reconciled: (kind, seconds, ok) =>
      this.reconcileDuration.observe({ controller: kind, outcome: ok ? 'done' : 'failed' }, seconds),
    watchQueue: (kind, depth) => {
      const set = this.#queues.get(kind) ?? new Set();
      this.#queues.set(kind, set);
      set.add(depth);
      return () => set.delete(depth);
    },
  };

  /** What an agent in this process reports each workload step to. */
  stepDone(driver: string, step: string, seconds: number, outcome: string): void {
    this.agentSteps.observe({ driver, step, outcome }, seconds);
  }

  /** Adds a gauge whose values are read when Prometheus scrapes. */
  addScrapedGauge(g: ScrapedGauge): void {
    new Gauge({
      name: g.name,
      help: g.help,
      labelNames: [...g.labelNames],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { labels, value } of await g.collect()) this.set(labels, value);
      },
    });
  }

  /** The scrape: this cloud's figures and the process's, in Prometheus text format. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    const merged = Registry.merge([this.registry, processMetrics()]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }
}
