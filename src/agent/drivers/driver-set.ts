import type {
  ComputeDriver,
  ConsoleLogSupport,
  CrashDumpSupport,
  DeviceAttachSupport,
  DiskLifecycleSupport,
  DriverCapabilities,
  HostFacts,
  ImageCacheEntry,
  ImageCacheSupport,
  ObservedWorkload,
  PowerObservation,
  PowerStateSupport,
  SerialConsoleState,
  SerialConsoleSupport,
  SnapshotSupport,
  StopOptions,
  WorkloadDevice,
  WorkloadHandle,
  WorkloadKind,
  WorkloadSpec,
} from './driver.js';
import {
  supportsConsoleLog,
  supportsCrashDump,
  supportsDeviceAttach,
  supportsDiskLifecycle,
  supportsImageCache,
  supportsPowerStates,
  supportsSerialConsole,
  supportsSnapshot,
} from './driver.js';

/** Every optional capability interface a driver may implement. */
type OptionalSupport = PowerStateSupport &
  ConsoleLogSupport &
  SnapshotSupport &
  DiskLifecycleSupport &
  CrashDumpSupport &
  DeviceAttachSupport &
  SerialConsoleSupport;

/** The optional methods whose first argument is a workload handle. */
type HandleMethod = {
  [K in keyof OptionalSupport]: OptionalSupport[K] extends (h: WorkloadHandle, ...rest: never[]) => unknown
    ? K
    : never;
}[keyof OptionalSupport];

/**
 * Optional handle methods, each with the test a driver must pass to have it: a call goes
 * to the workload's owner, or fails naming what the owner cannot do. A new capability is
 * one line here, not a hand-written method.
 */
// serialConsoleState answers for every workload (a class method), so it is not delegated blindly.
const ownerMethods: Readonly<
  Record<Exclude<HandleMethod, 'serialConsoleState'>, (d: ComputeDriver) => boolean>
> = {
  pause: supportsPowerStates,
  unpause: supportsPowerStates,
  suspend: (d) => d.capabilities.suspend,
  resume: supportsPowerStates,
  consoleLog: supportsConsoleLog,
  snapshot: supportsSnapshot,
  resize: supportsDiskLifecycle,
  revertResize: supportsDiskLifecycle,
  rebuild: supportsDiskLifecycle,
  triggerCrashDump: supportsCrashDump,
  attachDevice: supportsDeviceAttach,
  detachDevice: supportsDeviceAttach,
  serialConsole: supportsSerialConsole,
};

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

const attachRank = { none: 0, cold: 1, hot: 2 } as const;

// The class gets OptionalSupport's handle methods from ownerMethods in its constructor.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface DriverSet extends Omit<
  OptionalSupport,
  'confirmResize' | 'devices' | 'serialConsoleState'
> {}

/**
 * One host running several drivers (qemu for VMs, runc for containers) seen as one
 * driver by its agent: a new workload goes to the first driver for its kind, anything
 * else to the driver that owns the workload. The host's size comes from the first
 * driver (they share the machine); its traits are every driver's. A capability of the
 * set is the best any member has; a call a workload's own driver cannot serve fails.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class DriverSet implements ComputeDriver, ImageCacheSupport {
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
      serialConsole: any((c) => c.serialConsole),
      deviceAttach: drivers
        .map((d) => d.capabilities.deviceAttach)
        .reduce((best, c) => (attachRank[c] > attachRank[best] ? c : best), 'none' as const),
    };
    for (const [method, has] of Object.entries(ownerMethods)) {
      const delegate = async (h: WorkloadHandle, ...rest: unknown[]) => {
        const d = await this.#owner(h);
        if (!has(d)) throw new Error(`driver ${d.name} cannot ${method}`);
        return (d as unknown as Record<string, AnyMethod>)[method]!.call(d, h, ...rest);
      };
      Object.defineProperty(this, method, { value: delegate, enumerable: false });
    }
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
    const d = this.drivers.find((x) => x.kinds.includes(spec.kind) && (x.accepts?.(spec) ?? true));
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

  async confirmResize(workloadId: string, signal: AbortSignal): Promise<void> {
    for (const d of this.drivers.filter(supportsDiskLifecycle)) await d.confirmResize(workloadId, signal);
  }

  async devices(workloadId: string): Promise<ReadonlyArray<WorkloadDevice>> {
    const each = await Promise.all(
      this.drivers.filter(supportsDeviceAttach).map((d) => d.devices(workloadId)),
    );
    return each.flat();
  }

  /** A workload whose own driver has no serial console has none, whatever the others have. */
  async serialConsoleState(h: WorkloadHandle): Promise<SerialConsoleState> {
    const d = await this.#owner(h).catch(() => undefined);
    if (d === undefined) return 'not-running';
    return supportsSerialConsole(d) ? d.serialConsoleState(h) : 'unsupported';
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

  /** Every member's cache; keys are paths, so each member ignores the others'. */
  async listImageCache(): Promise<ReadonlyArray<ImageCacheEntry>> {
    const each = await Promise.all(this.drivers.filter(supportsImageCache).map((d) => d.listImageCache()));
    return each.flat();
  }

  async touchImageCache(key: string): Promise<void> {
    for (const d of this.drivers.filter(supportsImageCache)) await d.touchImageCache(key);
  }

  async removeImageCache(key: string): Promise<boolean> {
    let removed = false;
    for (const d of this.drivers.filter(supportsImageCache))
      removed = (await d.removeImageCache(key)) || removed;
    return removed;
  }

  /** The driver that made the handle; for a handle from elsewhere, the one that has the workload. */
  async #owner(h: WorkloadHandle): Promise<ComputeDriver> {
    const named = this.drivers.find((d) => d.name === h.driver);
    if (named !== undefined) return named;
    for (const d of this.drivers) if ((await d.observe(h.workloadId)) !== undefined) return d;
    throw new Error(`workload ${h.workloadId} is not on this host`);
  }
}
