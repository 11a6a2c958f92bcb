import type {
  ComputeDriver,
  ConsoleLogSupport,
  DiskLifecycleSupport,
  DriverCapabilities,
  HostFacts,
  ObservedWorkload,
  PowerObservation,
  PowerStateSupport,
  CrashDumpSupport,
  SnapshotSupport,
  StopOptions,
  WorkloadHandle,
  WorkloadKind,
  WorkloadSpec,
} from './driver.js';
import {
  supportsConsoleLog,
  supportsDiskLifecycle,
  supportsCrashDump,
  supportsPowerStates,
  supportsSnapshot,
} from './driver.js';

/**
 * One host running several drivers (qemu for VMs, runc for containers) seen as one
 * driver by its agent: a new workload goes to the first driver for its kind, anything
 * else to the driver that owns the workload. The host's size comes from the first
 * driver (they share the machine); its traits are every driver's.
 */
export class DriverSet
  implements
    ComputeDriver,
    PowerStateSupport,
    ConsoleLogSupport,
    SnapshotSupport,
    DiskLifecycleSupport,
    CrashDumpSupport
{
  readonly name: string;
  readonly kinds: ReadonlyArray<WorkloadKind>;
  readonly capabilities: DriverCapabilities;

  constructor(readonly drivers: ReadonlyArray<ComputeDriver>) {
    if (drivers.length === 0) throw new Error('a driver set needs at least one driver');
    this.name = drivers.map((d) => d.name).join('+');
    this.kinds = [...new Set(drivers.flatMap((d) => d.kinds))];
    const any = (f: (c: DriverCapabilities) => boolean) => drivers.some((d) => f(d.capabilities));
    this.capabilities = {
      console: any((c) => c.console === 'serial-log') ? 'serial-log' : 'none',
      snapshot: any((c) => c.snapshot),
      pause: any((c) => c.pause),
      suspend: any((c) => c.suspend),
      diskLifecycle: any((c) => c.diskLifecycle),
      crashDump: any((c) => c.crashDump),
    };
  }

  async probe(signal: AbortSignal): Promise<HostFacts> {
    const facts = await Promise.all(this.drivers.map((d) => d.probe(signal)));
    const first = facts[0]!;
    return {
      ...first,
      traits: [...new Set(facts.flatMap((f) => f.traits))].sort(),
      details: Object.fromEntries(this.drivers.map((d, i) => [d.name, facts[i]!.details])),
    };
  }

  create(spec: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle> {
    const d = this.drivers.find((x) => x.kinds.includes(spec.kind));
    if (d === undefined) throw new Error(`no driver on this host runs ${spec.kind} workloads`);
    return d.create(spec, signal);
  }

  async start(h: WorkloadHandle, signal: AbortSignal) {
    return (await this.#owner(h)).start(h, signal);
  }
  async stop(h: WorkloadHandle, opts: StopOptions, signal: AbortSignal) {
    return (await this.#owner(h)).stop(h, opts, signal);
  }
  async reboot(h: WorkloadHandle, hard: boolean, signal: AbortSignal) {
    return (await this.#owner(h)).reboot(h, hard, signal);
  }
  async pause(h: WorkloadHandle, signal: AbortSignal) {
    return this.#with(await this.#owner(h), supportsPowerStates, 'pause').pause(h, signal);
  }
  async triggerCrashDump(h: WorkloadHandle, signal: AbortSignal) {
    const d = this.#with(await this.#owner(h), supportsCrashDump, 'trigger a crash dump');
    return d.triggerCrashDump(h, signal);
  }
  async unpause(h: WorkloadHandle, signal: AbortSignal) {
    return this.#with(await this.#owner(h), supportsPowerStates, 'unpause').unpause(h, signal);
  }
  async suspend(h: WorkloadHandle, signal: AbortSignal) {
    const d = this.#with(await this.#owner(h), supportsPowerStates, 'suspend');
    if (!d.capabilities.suspend) throw new Error(`driver ${d.name} cannot suspend`);
    return d.suspend(h, signal);
  }
  async resume(h: WorkloadHandle, signal: AbortSignal) {
    return this.#with(await this.#owner(h), supportsPowerStates, 'resume').resume(h, signal);
  }
  async consoleLog(h: WorkloadHandle, tailLines?: number) {
    return this.#with(await this.#owner(h), supportsConsoleLog, 'show a console log').consoleLog(
      h,
      tailLines,
    );
  }
  async snapshot(h: WorkloadHandle, signal: AbortSignal) {
    return this.#with(await this.#owner(h), supportsSnapshot, 'snapshot').snapshot(h, signal);
  }
  async resize(h: WorkloadHandle, spec: WorkloadSpec, signal: AbortSignal) {
    return this.#with(await this.#owner(h), supportsDiskLifecycle, 'resize').resize(h, spec, signal);
  }
  async revertResize(h: WorkloadHandle, spec: WorkloadSpec, signal: AbortSignal) {
    return this.#with(await this.#owner(h), supportsDiskLifecycle, 'revert').revertResize(h, spec, signal);
  }
  async rebuild(h: WorkloadHandle, spec: WorkloadSpec, signal: AbortSignal) {
    return this.#with(await this.#owner(h), supportsDiskLifecycle, 'rebuild').rebuild(h, spec, signal);
  }

  async confirmResize(workloadId: string, signal: AbortSignal): Promise<void> {
    for (const d of this.drivers.filter(supportsDiskLifecycle)) await d.confirmResize(workloadId, signal);
  }

  async destroy(workloadId: string, signal: AbortSignal): Promise<void> {
    for (const d of this.drivers) await d.destroy(workloadId, signal);
  }

  async observe(workloadId: string): Promise<ObservedWorkload | undefined> {
    for (const d of this.drivers) {
      const seen = await d.observe(workloadId);
      if (seen !== undefined) return seen;
    }
    return undefined;
  }

  async list(): Promise<ReadonlyArray<ObservedWorkload>> {
    return (await Promise.all(this.drivers.map((d) => d.list()))).flat();
  }

  async recover(h: WorkloadHandle, lastKnown: PowerObservation): Promise<void> {
    const d = this.drivers.find((x) => x.name === h.driver);
    if (d !== undefined) await d.recover(h, lastKnown);
  }

  /** The driver that made the handle; for a handle from elsewhere, the one that has the workload. */
  async #owner(h: WorkloadHandle): Promise<ComputeDriver> {
    const named = this.drivers.find((d) => d.name === h.driver);
    if (named !== undefined) return named;
    for (const d of this.drivers) if ((await d.observe(h.workloadId)) !== undefined) return d;
    throw new Error(`workload ${h.workloadId} is not on this host`);
  }

  #with<T extends ComputeDriver>(d: ComputeDriver, has: (x: ComputeDriver) => x is T, what: string): T {
    if (!has(d)) throw new Error(`driver ${d.name} cannot ${what}`);
    return d;
  }
}
