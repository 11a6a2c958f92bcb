import type { Duplex } from 'node:stream';

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
  /** serialConsole (SerialConsoleSupport): a live, interactive stream to the workload's serial port. */
  readonly serialConsole: boolean;
  /**
   * attachDevice/detachDevice (DeviceAttachSupport) on a workload that exists: 'hot' while it
   * runs, 'cold' by restarting it (the driver does so itself), 'none' not at all (devices
   * then come only with the spec at create).
   */
  readonly deviceAttach: 'none' | 'cold' | 'hot';
}

/** Where a driver keeps its files, and the host it runs on. */
export interface DriverConfig {
  /** Where the driver keeps its per-workload files: `<data-dir>/instances/<driver>/<workload id>/`. */
  readonly stateDir: string;
  /** Images prepared once and shared by workloads (converted bases, unpacked rootfs). */
  readonly cacheDir: string;
  /**
   * The network namespace (a name under /run/netns) where the host side of NICs lives (taps,
   * veth host ends); the agent's own when unset. Lets several agents share one machine.
   */
  readonly hostNetns?: string;
  /** For the fake driver: the simulated host's size. */
  readonly fake?: { readonly vcpus: number; readonly memoryMb: number; readonly diskGb: number };
}

/** One address of a NIC, with what the guest needs to configure it without DHCP. */
export interface NicFixedIp {
  readonly subnetId: string;
  readonly ipAddress: string;
  /** The subnet's CIDR (prefix length, and v4 or v6). */
  readonly cidr: string;
  readonly gateway: string | null;
  /** The subnet serves DHCP for it (else the guest configures it statically). */
  readonly dhcp: boolean;
  readonly dnsNameservers: ReadonlyArray<string>;
  readonly hostRoutes: ReadonlyArray<{ readonly destination: string; readonly nexthop: string }>;
}

/** A network interface of a workload: a port the network service bound to this host. */
export interface WorkloadNic {
  readonly portId: string;
  readonly networkId: string;
  /** Lower-case, colon-separated (`fa:16:3e:…`). */
  readonly mac: string;
  readonly mtu: number;
  /**
   * The host-side device the dataplane plugs into the network: a tap for a VM, the host end
   * of a veth pair for a container (at most 15 bytes, the kernel's limit).
   */
  readonly hostName: string;
  readonly fixedIps: ReadonlyArray<NicFixedIp>;
}

/** A block device after the root disk: a volume the block storage service exports to this host. */
export interface WorkloadDisk {
  /** Also the device's serial (guests see its first 20 bytes, virtio-blk's limit). */
  readonly volumeId: string;
  /**
   * How to reach it: a local file path, or an NBD URI (`nbd://host:port/export`,
   * `nbd+unix:///export?socket=/path`). NBD exports are raw.
   */
  readonly source: string;
  /** Format of a local file; NBD is always raw. */
  readonly format: 'raw' | 'qcow2';
  readonly readOnly: boolean;
  /** The device name the API gave (`/dev/vdb`), a hint guests are free to ignore. */
  readonly deviceName?: string;
  /** Set when the volume is the boot disk (0) or in the boot order. */
  readonly bootIndex?: number;
  /**
   * The size the guest should see, in bytes (an extended volume): attaching a disk the
   * workload already has grows it to this (QEMU's block_resize on a running VM).
   */
  readonly sizeBytes?: number;
  /**
   * Front-end QoS of the volume's type (Cinder's qos_specs keys, per-GB ones already
   * resolved): the qemu driver throttles the disk to them; other drivers ignore them.
   */
  readonly qos?: DiskQos;
  /**
   * TLS credentials of an NBD source: the export server accepts only hosts holding their
   * pre-shared key (block storage makes one per host). Never shown to tenants.
   */
  readonly nbdTls?: NbdTlsCreds;
}

/** A TLS-PSK identity and its key (hex), as QEMU's tls-creds-psk reads them from keys.psk. */
export interface NbdTlsCreds {
  readonly identity: string;
  readonly key: string;
}

/** Cinder's front-end QoS keys, as Nova's libvirt driver reads them from connection_info. */
export const diskQosKeys = [
  'total_bytes_sec',
  'read_bytes_sec',
  'write_bytes_sec',
  'total_iops_sec',
  'read_iops_sec',
  'write_iops_sec',
  'total_bytes_sec_max',
  'read_bytes_sec_max',
  'write_bytes_sec_max',
  'total_iops_sec_max',
  'read_iops_sec_max',
  'write_iops_sec_max',
  'size_iops_sec',
] as const;
export type DiskQos = Readonly<Partial<Record<(typeof diskQosKeys)[number], number>>>;

/** Whether two QoS give the same limits (none, an empty set and zeros all mean unlimited). */
export function sameDiskQos(a: DiskQos | undefined, b: DiskQos | undefined): boolean {
  return diskQosKeys.every((k) => (a?.[k] ?? 0) === (b?.[k] ?? 0));
}

/** A device on its own, for attach and detach. */
export type WorkloadDevice =
  | { readonly kind: 'nic'; readonly nic: WorkloadNic }
  | { readonly kind: 'disk'; readonly disk: WorkloadDisk };

/** Which device: a NIC by its port id, a disk by its volume id. */
export interface DeviceRef {
  readonly kind: 'nic' | 'disk';
  readonly id: string;
}

export function deviceRefOf(d: WorkloadDevice): DeviceRef {
  return d.kind === 'nic' ? { kind: 'nic', id: d.nic.portId } : { kind: 'disk', id: d.disk.volumeId };
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
  /** Network interfaces in guest order (eth0 first). */
  readonly nics: ReadonlyArray<WorkloadNic>;
  /** Block devices after the root disk, in guest order. */
  readonly disks: ReadonlyArray<WorkloadDisk>;
}

/** Persisted by the agent so a restart can recover the workload; opaque to all but its driver. */
export interface WorkloadHandle {
  readonly workloadId: string;
  readonly driver: string;
  readonly stateVersion: number;
  readonly state: unknown;
  /** What the driver tells operators about the workload (GET /servers/{id}/diagnostics). */
  readonly diagnostics?: WorkloadDiagnostics;
}

/**
 * Diagnostics in the API's words, as Nova's drivers answer before microversion 2.48:
 * `cpu_count`, `memory_mb`, `disk_gb` (what the workload runs with), `accelerator`
 * ('kvm' | 'tcg'), `disk_format`, `rootfs_mode` ('overlay' | 'copy'). Never host paths.
 */
export type WorkloadDiagnostics = Readonly<Record<string, string | number>>;

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
  /**
   * Whether this driver runs `spec`, beyond its kind (a container asking for VM isolation
   * goes to the microvm driver, not runc). Absent: every spec of its kinds.
   */
  accepts?(spec: WorkloadSpec): boolean;
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

/** Whether a workload's serial console can be opened now. */
export type SerialConsoleState = 'ready' | 'not-running' | 'unsupported';

/**
 * Optional (capabilities.serialConsole): the workload's serial port as a byte stream, guest
 * output out and keystrokes in, for Nova's serial remote console. The console log keeps
 * recording whether or not a stream is open.
 */
export interface SerialConsoleSupport {
  /** 'ready' when serialConsole would connect now; never throws for an unknown workload ('not-running'). */
  serialConsoleState(h: WorkloadHandle): Promise<SerialConsoleState>;
  /**
   * Connects to the serial port; rejects when it cannot (nothing is left open then). The
   * caller ends the stream; ending it leaves the workload running. One stream at a time:
   * a second waits until the first ends (QEMU serves one client per chardev).
   */
  serialConsole(h: WorkloadHandle): Promise<Duplex>;
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

/**
 * Optional (capabilities.deviceAttach): devices added to or removed from a workload that
 * exists. The driver records them with the workload, so a restart, resize or rebuild keeps
 * them; a later create replay of the same id keeps what was attached since.
 */
export interface DeviceAttachSupport {
  /** Adds the device (hot, or by a restart for 'cold'); resolves when it is already attached. */
  attachDevice(h: WorkloadHandle, device: WorkloadDevice, signal: AbortSignal): Promise<void>;
  /** Removes the device, waiting until the guest let go of it; resolves when it is not attached. */
  detachDevice(h: WorkloadHandle, device: DeviceRef, signal: AbortSignal): Promise<void>;
  /** The devices attached now (as recorded by the driver); empty for an unknown workload. */
  devices(workloadId: string): Promise<ReadonlyArray<WorkloadDevice>>;
}

export function supportsDeviceAttach(d: ComputeDriver): d is ComputeDriver & DeviceAttachSupport {
  return d.capabilities.deviceAttach !== 'none';
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

export function supportsSerialConsole(d: ComputeDriver): d is ComputeDriver & SerialConsoleSupport {
  return d.capabilities.serialConsole;
}

export function supportsDiskLifecycle(d: ComputeDriver): d is ComputeDriver & DiskLifecycleSupport {
  return d.capabilities.diskLifecycle;
}

export function supportsSnapshot(d: ComputeDriver): d is ComputeDriver & SnapshotSupport {
  return d.capabilities.snapshot;
}

/** One image a driver keeps prepared on this host (an unpacked rootfs, a converted base disk). */
export interface ImageCacheEntry {
  /** The driver's name for the entry (its absolute path), unique on the host. */
  readonly key: string;
  /** The image service's id of the image it was made from. */
  readonly imageId: string;
  /** A workload on this host needs it (a rootfs under a container, a base under an overlay). */
  readonly inUse: boolean;
  /** When it was last known in use, or made (ms since the epoch); eviction ages from here. */
  readonly lastUsedMs: number;
}

/**
 * Nova's image cache manager, driver side: the cache is listed, entries in use are touched,
 * and an unused one is removed. Entries being written are never listed (they are renamed
 * into place when complete).
 */
export interface ImageCacheSupport {
  /** Every complete entry; whether each is in use is read fresh from the workloads on disk. */
  listImageCache(): Promise<ReadonlyArray<ImageCacheEntry>>;
  /** Records that the entry is in use now; an unknown key (another driver's, or gone) is ignored. */
  touchImageCache(key: string): Promise<void>;
  /**
   * Removes the entry unless a workload uses it or a create is taking it (checked again
   * here, under the cache's guard); true when removed. An unknown key resolves false.
   */
  removeImageCache(key: string): Promise<boolean>;
}

export function supportsImageCache(d: ComputeDriver): d is ComputeDriver & ImageCacheSupport {
  return typeof (d as Partial<ImageCacheSupport>).listImageCache === 'function';
}
