import type {
  ComputeDriver,
  ConsoleLogSupport,
  HostFacts,
  ObservedWorkload,
  PowerObservation,
  PowerStateSupport,
  CrashDumpSupport,
  DeviceAttachSupport,
  DeviceRef,
  SerialConsoleState,
  SerialConsoleSupport,
  SnapshotSupport,
  WorkloadDevice,
  WorkloadHandle,
  WorkloadSpec,
} from '../driver.js';
import { deviceRefOf } from '../driver.js';
import { TransientDriverError } from '../driver-errors.js';
import { PassThrough } from 'node:stream';
import { fakeKnobs } from './fake-knobs.js';

export interface FakeHostShape {
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly diskGb: number;
  /** Simulated latency of every create, unless a `fake:create_delay_ms` knob says otherwise. */
  readonly createDelayMs?: number;
}

interface FakeWorkload {
  spec: WorkloadSpec;
  /** Attached devices in order: the spec's at create, then attach/detach. */
  devices: WorkloadDevice[];
  power: PowerObservation;
  reason?: string;
  console: string[];
}

/**
 * Runs nothing: workloads live in a map. It keeps real semantics (idempotent create,
 * destroy of an unknown id resolves) so the agent, scheduler and API are exercised for
 * real, and thousands of fake hosts fit in one process for scale tests.
 */
const fakeImageTypes = [
  'AKI',
  'AMI',
  'ARI',
  'ISO',
  'PLOOP',
  'QCOW2',
  'RAW',
  'VDI',
  'VHD',
  'VHDX',
  'VMDK',
].map((t) => `COMPUTE_IMAGE_TYPE_${t}`);

export class FakeDriver
  implements
    ComputeDriver,
    PowerStateSupport,
    ConsoleLogSupport,
    SnapshotSupport,
    CrashDumpSupport,
    DeviceAttachSupport,
    SerialConsoleSupport
{
  readonly name = 'fake';
  readonly kinds = ['vm', 'container'] as const;
  readonly capabilities = {
    console: 'serial-log',
    snapshot: true,
    pause: true,
    suspend: true,
    diskLifecycle: false,
    crashDump: true,
    serialConsole: true,
    deviceAttach: 'hot',
  } as const;
  readonly #workloads = new Map<string, FakeWorkload>();

  /** `hostname` is the host this driver pretends to be, for host-specific knobs. */
  constructor(
    readonly shape: FakeHostShape,
    readonly hostname?: string,
  ) {}

  async probe(): Promise<HostFacts> {
    const { vcpus, memoryMb, diskGb } = this.shape;
    return {
      vcpus,
      memoryMb,
      diskGb,
      // Pretends to run anything: both kinds and every image type.
      traits: ['CUSTOM_STRATA_FAKE', 'CUSTOM_STRATA_VM', 'CUSTOM_STRATA_CONTAINER', ...fakeImageTypes],
      details: { accelerator: 'none' },
    };
  }

  async create(spec: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle> {
    const existing = this.#workloads.get(spec.workloadId);
    if (existing) return this.#handle(spec);
    const knobs = fakeKnobs(spec.extraSpecs, spec.metadata);
    if (knobs.hangCreate) await abortable(new Promise(() => undefined), signal);
    const delayMs = knobs.createDelayMs > 0 ? knobs.createDelayMs : (this.shape.createDelayMs ?? 0);
    if (delayMs > 0) await abortable(new Promise((r) => setTimeout(r, delayMs)), signal);
    if (knobs.failCreate === 'terminal')
      throw new Error(knobs.failCreateMessage ?? 'fake driver: injected terminal create failure');
    const failHere = knobs.failCreateOnHost !== undefined && knobs.failCreateOnHost === this.hostname;
    if (knobs.failCreate === 'transient' || failHere)
      throw new TransientDriverError(
        `fake driver: injected transient create failure on ${this.hostname ?? 'this host'}`,
      );
    const w: FakeWorkload = {
      spec,
      devices: specDevices(spec),
      power: 'running',
      console: [`[fake] ${spec.hostname} booted`, `[fake] user_data: ${spec.userData ?? ''}`],
    };
    this.#workloads.set(spec.workloadId, w);
    if (knobs.crashAfterMs !== undefined) {
      setTimeout(
        () => Object.assign(w, { power: 'crashed', reason: 'fake driver: injected crash' }),
        knobs.crashAfterMs,
      ).unref();
    }
    return this.#handle(spec);
  }

  async start(h: WorkloadHandle) {
    this.#set(h, 'running', 'started');
  }
  async stop(h: WorkloadHandle) {
    this.#set(h, 'shutdown', 'stopped');
  }
  async reboot(h: WorkloadHandle, hard: boolean) {
    this.#set(h, 'running', hard ? 'hard reboot' : 'soft reboot');
  }
  async pause(h: WorkloadHandle) {
    this.#set(h, 'paused', 'paused');
  }
  async unpause(h: WorkloadHandle) {
    this.#set(h, 'running', 'unpaused');
  }
  async suspend(h: WorkloadHandle) {
    this.#set(h, 'suspended', 'suspended');
  }
  async resume(h: WorkloadHandle) {
    this.#set(h, 'running', 'resumed');
  }

  /** The power state stays: what a guest does on an NMI is its own business. */
  async triggerCrashDump(h: WorkloadHandle) {
    const w = this.#workloads.get(h.workloadId);
    if (w === undefined) throw new Error(`fake driver: no workload ${h.workloadId}`);
    w.console.push('[fake] NMI received: crash dump requested');
  }

  async destroy(workloadId: string): Promise<void> {
    this.#workloads.delete(workloadId);
  }

  async observe(workloadId: string): Promise<ObservedWorkload | undefined> {
    const w = this.#workloads.get(workloadId);
    return w && { workloadId, power: w.power, ...(w.reason !== undefined && { reason: w.reason }) };
  }

  async list(): Promise<ReadonlyArray<ObservedWorkload>> {
    return [...this.#workloads.keys()].map((id) => ({
      workloadId: id,
      power: this.#workloads.get(id)!.power,
    }));
  }

  /** A fake workload "survives" an agent restart: it is restored from the spec in its handle. */
  async recover(h: WorkloadHandle, lastKnown: PowerObservation): Promise<void> {
    const spec = (h.state as { spec?: WorkloadSpec } | null)?.spec;
    if (spec === undefined || this.#workloads.has(h.workloadId)) return;
    const devices = (h.state as { devices?: WorkloadDevice[] }).devices ?? specDevices(spec);
    this.#workloads.set(h.workloadId, {
      spec,
      devices,
      power: lastKnown,
      console: ['[fake] re-attached after an agent restart'],
    });
  }

  async consoleLog(h: WorkloadHandle, tailLines?: number): Promise<string> {
    const lines = this.#workloads.get(h.workloadId)?.console ?? [];
    return (tailLines === undefined ? lines : lines.slice(-tailLines)).join('\n') + '\n';
  }

  /** Ready while running or paused; `fake:serial_console=none` plays a workload without one. */
  async serialConsoleState(h: WorkloadHandle): Promise<SerialConsoleState> {
    const w = this.#workloads.get(h.workloadId);
    if (w === undefined || (w.power !== 'running' && w.power !== 'paused')) return 'not-running';
    return fakeKnobs(w.spec.extraSpecs, w.spec.metadata).serialConsole ? 'ready' : 'unsupported';
  }

  /** A pretend terminal: a greeting, then everything typed echoes back, as a tty in cooked mode. */
  async serialConsole(h: WorkloadHandle): Promise<PassThrough> {
    if ((await this.serialConsoleState(h)) !== 'ready')
      throw new Error(`fake driver: ${h.workloadId} has no serial console now`);
    const tty = new PassThrough();
    tty.write(`fake console of ${h.workloadId}\r\n`);
    return tty;
  }

  async snapshot(h: WorkloadHandle): Promise<Buffer> {
    const w = this.#workloads.get(h.workloadId);
    if (w && fakeKnobs(w.spec.extraSpecs, w.spec.metadata).failSnapshot)
      throw new Error('fake driver: injected snapshot failure');
    return Buffer.from(`fake snapshot of ${h.workloadId}\n`);
  }

  async attachDevice(h: WorkloadHandle, device: WorkloadDevice): Promise<void> {
    const w = this.#need(h);
    const ref = deviceRefOf(device);
    const at = w.devices.findIndex((d) => sameDevice(deviceRefOf(d), ref));
    if (at >= 0) {
      // A disk asked for again at a new size (an extended volume) is grown in place, and
      // with new QoS limits re-throttled in place.
      if (device.kind === 'disk') w.devices[at] = device;
      return;
    }
    w.devices.push(device);
    w.console.push(`[fake] ${ref.kind} ${ref.id} attached`);
  }

  async detachDevice(h: WorkloadHandle, ref: DeviceRef): Promise<void> {
    const w = this.#workloads.get(h.workloadId);
    if (w === undefined) return;
    const left = w.devices.filter((d) => !sameDevice(deviceRefOf(d), ref));
    if (left.length === w.devices.length) return;
    w.devices = left;
    w.console.push(`[fake] ${ref.kind} ${ref.id} detached`);
  }

  async devices(workloadId: string): Promise<ReadonlyArray<WorkloadDevice>> {
    return [...(this.#workloads.get(workloadId)?.devices ?? [])];
  }

  /** Test hook: the workload stops as if killed from outside. */
  killFromOutside(workloadId: string): void {
    const w = this.#workloads.get(workloadId);
    if (w) Object.assign(w, { power: 'shutdown', reason: 'killed from outside' });
  }

  #need(h: WorkloadHandle): FakeWorkload {
    const w = this.#workloads.get(h.workloadId);
    if (!w) throw new Error(`fake driver: no workload ${h.workloadId}`);
    return w;
  }

  #set(h: WorkloadHandle, power: PowerObservation, event: string): void {
    const w = this.#need(h);
    w.power = power;
    delete w.reason;
    w.console.push(`[fake] ${event}`);
  }

  #handle(spec: WorkloadSpec): WorkloadHandle {
    return { workloadId: spec.workloadId, driver: this.name, stateVersion: 1, state: { spec } };
  }
}

function specDevices(spec: WorkloadSpec): WorkloadDevice[] {
  return [
    ...spec.nics.map((nic) => ({ kind: 'nic' as const, nic })),
    ...spec.disks.map((disk) => ({ kind: 'disk' as const, disk })),
  ];
}

function sameDevice(a: DeviceRef, b: DeviceRef): boolean {
  return a.kind === b.kind && a.id === b.id;
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    p.then(resolve, reject);
  });
}
