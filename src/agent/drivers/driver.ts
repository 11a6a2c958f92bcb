/** The compute driver extension point: one interface, one folder per implementation. */
export type WorkloadKind = 'vm' | 'container' | 'baremetal';

export interface DriverCapabilities {
  readonly console: 'none' | 'serial-log' | 'vnc';
  readonly snapshot: boolean;
  /** resize/confirmResize/revertResize/rebuild keep the workload's disk (DiskLifecycleSupport). */
  readonly diskLifecycle: boolean;
  readonly pause: boolean;
  readonly suspend: boolean;
  /** triggerCrashDump (CrashDumpSupport): a non-maskable interrupt for the guest kernel. */
  readonly crashDump: boolean;
}

/** What a driver needs to run one workload, fully expanded (drivers never read flavors or images). */
export interface WorkloadSpec {
  readonly workloadId: string;
  readonly name: string;
  readonly hostname: string;
  readonly kind: WorkloadKind;
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly rootGb: number;
  readonly image: {
    readonly id: string;
    readonly diskFormat: string | null;
    readonly containerFormat: string | null;
    /** Local path of the image data, when the image service keeps it on this host. */
    readonly path?: string;
    readonly properties: Readonly<Record<string, string>>;
  };
  readonly projectId: string;
  readonly availabilityZone: string | null;
  /** Index within a multi-create (min_count/max_count) request. */
  readonly launchIndex: number;
  /** Base64, as the API received it. */
  readonly userData: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly keyName: string | null;
  readonly keyData: string | null;
  readonly configDrive: boolean;
  /** Flavor extra specs, e.g. fake knobs (`fake:create_delay_ms`). */
  readonly extraSpecs: Readonly<Record<string, string>>;
}

/** Persisted by the agent so a restart can recover the workload; opaque to all but its driver. */
export interface WorkloadHandle {
  readonly workloadId: string;
  readonly driver: string;
  readonly stateVersion: number;
  readonly state: unknown;
}

export type PowerObservation = 'running' | 'paused' | 'suspended' | 'shutdown' | 'crashed';

export interface ObservedWorkload {
  readonly workloadId: string;
  readonly power: PowerObservation;
  /** Why the workload is in this state, when it changed on its own (crash, external kill). */
  readonly reason?: string;
}

export interface HostFacts {
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly diskGb: number;
  /** Traits the host advertises in placement (driver kinds, CPU features, ...). */
  readonly traits: ReadonlyArray<string>;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface StopOptions {
  /** Graceful first (ACPI/SIGTERM), then forced after this many ms. */
  readonly timeoutMs: number;
}

export interface ComputeDriver {
  readonly name: string;
  readonly kinds: ReadonlyArray<WorkloadKind>;
  readonly capabilities: DriverCapabilities;
  /** Inventory, traits and health of this host. Pure read; safe to call any time. */
  probe(signal: AbortSignal): Promise<HostFacts>;
  /**
   * Creates and starts the workload. Idempotent for the same id (a replay after a crash
   * returns the existing handle). Leaves nothing behind when it throws; throws
   * TransientDriverError (driver-errors.ts) when another host may succeed.
   */
  create(spec: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle>;
  /** Powers on a stopped workload; resolves if it is already running. */
  start(h: WorkloadHandle, signal: AbortSignal): Promise<void>;
  /** Powers off (graceful, then forced); resolves if it is already off. */
  stop(h: WorkloadHandle, opts: StopOptions, signal: AbortSignal): Promise<void>;
  /** Soft (guest-cooperative) or hard (reset) reboot; the workload ends running. */
  reboot(h: WorkloadHandle, hard: boolean, signal: AbortSignal): Promise<void>;
  /** Removes the workload and everything it owns; resolves for an unknown id. */
  destroy(workloadId: string, signal: AbortSignal): Promise<void>;
  /** The workload's current state, or undefined when it does not exist; never throws for a missing id. */
  observe(workloadId: string): Promise<ObservedWorkload | undefined>;
  /** Every workload this driver runs on the host (orphans included). */
  list(): Promise<ReadonlyArray<ObservedWorkload>>;
  /**
   * Re-attaches to a workload after an agent restart (no duplicate process). `lastKnown` is
   * the power state last reported; real drivers observe the real process instead.
   */
  recover(h: WorkloadHandle, lastKnown: PowerObservation): Promise<void>;
}

/** Optional: pause/unpause and suspend/resume (capabilities.pause / suspend). */
export interface PowerStateSupport {
  pause(h: WorkloadHandle, signal: AbortSignal): Promise<void>;
  unpause(h: WorkloadHandle, signal: AbortSignal): Promise<void>;
  suspend(h: WorkloadHandle, signal: AbortSignal): Promise<void>;
  resume(h: WorkloadHandle, signal: AbortSignal): Promise<void>;
}

/** Optional: the console log (capabilities.console = 'serial-log'). */
export interface ConsoleLogSupport {
  consoleLog(h: WorkloadHandle, tailLines?: number): Promise<string>;
}

/**
 * Optional: snapshot the root disk for the image service (capabilities.snapshot). The data
 * is in the source image's formats (`spec.image.diskFormat`/`containerFormat`), which the
 * new image record copies.
 */
export interface SnapshotSupport {
  snapshot(h: WorkloadHandle, signal: AbortSignal): Promise<NodeJS.ReadableStream | Buffer>;
}

/**
 * Optional (capabilities.diskLifecycle): operations that keep the workload's disk. Without
 * them the agent destroys and re-creates the workload from its image.
 */
export interface DiskLifecycleSupport {
  /** Restarts the workload with `spec`'s size, keeping the old disk and size to revert to. */
  resize(h: WorkloadHandle, spec: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle>;
  /** Drops what resize kept; resolves when nothing is kept (called on every settled workload). */
  confirmResize(workloadId: string, signal: AbortSignal): Promise<void>;
  /** Back to the disk resize kept (or the current one if none), sized as `spec` (the old flavor), running. */
  revertResize(h: WorkloadHandle, spec: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle>;
  /** Replaces the root disk with `spec.image`'s, same identity, ends running. */
  rebuild(h: WorkloadHandle, spec: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle>;
}

/**
 * Optional (capabilities.crashDump): Nova's trigger_crash_dump, an NMI the guest kernel
 * answers by its own configuration (log, kdump or panic). The power state is left to it.
 */
export interface CrashDumpSupport {
  triggerCrashDump(h: WorkloadHandle, signal: AbortSignal): Promise<void>;
}

export function supportsCrashDump(d: ComputeDriver): d is ComputeDriver & CrashDumpSupport {
  return d.capabilities.crashDump;
}

export function supportsPowerStates(d: ComputeDriver): d is ComputeDriver & PowerStateSupport {
  return d.capabilities.pause || d.capabilities.suspend;
}

export function supportsConsoleLog(d: ComputeDriver): d is ComputeDriver & ConsoleLogSupport {
  return d.capabilities.console === 'serial-log';
}

export function supportsDiskLifecycle(d: ComputeDriver): d is ComputeDriver & DiskLifecycleSupport {
  return d.capabilities.diskLifecycle;
}

export function supportsSnapshot(d: ComputeDriver): d is ComputeDriver & SnapshotSupport {
  return d.capabilities.snapshot;
}
