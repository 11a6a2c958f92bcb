import type { Logger } from 'pino';
import type { AgentMetrics, HostReserved, ImageCacheOptions, RunningAgent } from '../agent.js';
import { startAgent } from '../agent.js';
import type { ComputeDriver, WorkloadKind } from '../drivers/driver.js';
import { FakeDriver } from '../drivers/fake/fake-driver.js';
import type { FakeHostShape } from '../drivers/fake/fake-driver.js';
import type { ControlPlane } from '../transport/control-plane.js';
import { createDataplane } from '../dataplane/dataplane-registry.js';
import type { NetworkDataplane } from '../dataplane/network-dataplane.js';
import type { VifPlugging } from '../dataplane/port-plugging.js';

/**
 * The agents running inside this process: the all-in-one host, or a fleet of fake hosts
 * for tests and benchmarks (real agent code, only the driver replaced). They reach the
 * control plane through the same calls as an agent on another host.
 */
export class LocalAgents {
  readonly #agents = new Map<
    string,
    { agent: RunningAgent; driver: ComputeDriver; dataplane: NetworkDataplane }
  >();

  constructor(
    readonly controlPlane: ControlPlane,
    readonly log: Logger,
    readonly metrics?: AgentMetrics,
  ) {}

  async add(
    hostname: string,
    driver: ComputeDriver,
    opts: {
      availabilityZone?: string;
      resyncMs?: number;
      reserved?: HostReserved;
      vifPlugging?: VifPlugging;
      /** Default: the fake dataplane (nothing is wired). */
      dataplane?: NetworkDataplane;
      imageCache?: ImageCacheOptions;
    } = {},
  ): Promise<void> {
    if (driver.name === 'fake')
      this.log.warn({ host: hostname }, 'host runs the fake driver: its servers do not really run');
    const dataplane = opts.dataplane ?? createDataplane('fake');
    const agent = await startAgent({
      hostname,
      dataplane,
      availabilityZone: opts.availabilityZone ?? 'nova',
      driver,
      controlPlane: this.controlPlane,
      log: this.log,
      metrics: this.metrics,
      ...(opts.resyncMs !== undefined && { resyncMs: opts.resyncMs }),
      ...(opts.reserved !== undefined && { reserved: opts.reserved }),
      ...(opts.vifPlugging !== undefined && { vifPlugging: opts.vifPlugging }),
      ...(opts.imageCache !== undefined && { imageCache: opts.imageCache }),
    });
    this.#agents.set(hostname, { agent, driver, dataplane });
  }

  /** `count` fake hosts named <prefix>-0001…, each with the given shape. */
  async addFakeHosts(
    count: number,
    shape: FakeHostShape,
    opts: { prefix?: string; availabilityZone?: string; resyncMs?: number; vifPlugging?: VifPlugging } = {},
  ): Promise<void> {
    const prefix = opts.prefix ?? 'fake';
    for (let i = 1; i <= count; i++) {
      const hostname = `${prefix}-${String(i).padStart(4, '0')}`;
      await this.add(hostname, new FakeDriver(shape, hostname), opts);
    }
  }

  /** Workload kinds the local hosts really run (the fake driver's pretend ones excluded). */
  realKinds(): WorkloadKind[] {
    const real = [...this.#agents.values()]
      .map((a) => a.driver)
      .filter((d) => !d.name.split('+').includes('fake'));
    return [...new Set(real.flatMap((d) => d.kinds))];
  }

  driver(hostname: string): ComputeDriver | undefined {
    return this.#agents.get(hostname)?.driver;
  }

  /** The host's network dataplane (tests read what the fake one was asked). */
  dataplane(hostname: string): NetworkDataplane | undefined {
    return this.#agents.get(hostname)?.dataplane;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#agents.values()].map((a) => a.agent.stop()));
    this.#agents.clear();
  }
}
