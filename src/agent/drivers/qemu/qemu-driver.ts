import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { userCacheDir } from '../../../common/user-cache.js';
import type {
  ComputeDriver,
  ConsoleLogSupport,
  DiskLifecycleSupport,
  HostFacts,
  ObservedWorkload,
  PowerObservation,
  PowerStateSupport,
  SerialConsoleState,
  SerialConsoleSupport,
  CrashDumpSupport,
  DeviceAttachSupport,
  DeviceRef,
  SnapshotSupport,
  StopOptions,
  WorkloadDevice,
  WorkloadHandle,
  WorkloadSpec,
  DriverConfig,
  ImageCacheEntry,
  ImageCacheSupport,
} from '../driver.js';
import { listBaseImages, removeBaseImage, touchBaseImage } from './qemu-base-cache.js';
import { attachDevice, detachDevice } from './qemu-attach.js';
import { appendConsoleNote, tailConsoleLog, trimConsoleLog } from '../../host/console-log.js';
import {
  checkGrowable,
  commitDisks,
  dropKept,
  growRootDisk,
  keepForRevert,
  recordFor,
  restoreKept,
  snapshotDisk,
  stageDisks,
} from './qemu-disks.js';
import { qemuHostFacts } from './qemu-host.js';
import { openQemuSerial, qemuSerialState } from './qemu-serial.js';
import { exists, QemuRuntime, type QemuRuntimeConfig } from './qemu-runtime.js';
import { powerFromStatus, powerWithoutProcess } from './qemu-status.js';
import {
  checkSocketPath,
  isSafeWorkloadId,
  readVmRecord,
  type Accelerator,
  type VmRecord,
  type WorkloadPaths,
} from './qemu-workload.js';
import { WorkloadLock } from '../../host/workload-lock.js';

export interface QemuDriverOptions {
  /** Default qemu-system-x86_64. */
  readonly qemuBinary?: string;
  /** Skip the KVM probe and use this accelerator. */
  readonly accelerator?: Accelerator;
  /** How long a guest gets to power off for soft reboot, resize and rebuild (default 60 s). */
  readonly gracefulTimeoutMs?: number;
  /** How long a guest gets to let go of a detached device (default 30 s). */
  readonly detachTimeoutMs?: number;
}

type Step = (paths: WorkloadPaths, rec: VmRecord) => Promise<VmRecord>;

export function createQemuDriver(cfg: DriverConfig, options: QemuDriverOptions = {}): QemuDriver {
  return new QemuDriver({
    stateDir: cfg.stateDir,
    cacheDir: cfg.cacheDir,
    qemuBinary: options.qemuBinary ?? 'qemu-system-x86_64',
    gracefulTimeoutMs: options.gracefulTimeoutMs ?? 60_000,
    detachTimeoutMs: options.detachTimeoutMs ?? 30_000,
    acceleratorCacheFile: join(userCacheDir(), 'accelerator-probe.json'),
    ...(options.accelerator && { accelerator: options.accelerator }),
    ...(cfg.hostNetns !== undefined && { hostNetns: cfg.hostNetns }),
  });
}

/**
 * VMs under QEMU, one daemonized process per workload that outlives the agent. All state is
 * in `<stateDir>/<workloadId>/` (vm.json, overlay, config drive, QMP socket, pidfile,
 * console log), so a new driver instance (an agent restart) sees exactly what runs.
 */
export class QemuDriver
  implements
    ComputeDriver,
    PowerStateSupport,
    ConsoleLogSupport,
    SnapshotSupport,
    DiskLifecycleSupport,
    CrashDumpSupport,
    DeviceAttachSupport,
    SerialConsoleSupport,
    ImageCacheSupport
{
  readonly name = 'qemu';
  readonly kinds = ['vm'] as const;
  readonly capabilities = {
    console: 'serial-log',
    snapshot: true,
    diskLifecycle: true,
    pause: true,
    suspend: true,
    crashDump: true,
    serialConsole: true,
    deviceAttach: 'hot',
  } as const;
  readonly #rt: QemuRuntime;
  readonly #lock = new WorkloadLock();

  /** `rt` lets another driver (microvm) run its own kind of QEMU through these same steps. */
  constructor(cfg: QemuRuntimeConfig, rt: QemuRuntime = new QemuRuntime(cfg)) {
    this.#rt = rt;
  }

  async probe(_signal?: AbortSignal): Promise<HostFacts> {
    return qemuHostFacts(this.#rt.cfg.stateDir, this.#rt.cfg.qemuBinary, await this.#rt.accelerator());
  }

  /** Idempotent: an existing workload is started if needed and returned. Leaves nothing when it throws. */
  async create(spec: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle> {
    const paths = this.#rt.paths(spec.workloadId);
    checkSocketPath(paths);
    return this.#lock.run(spec.workloadId, async () => {
      const existing = await readVmRecord(paths.record).catch(() => undefined);
      if (existing) return this.#rt.handle(paths, await this.#rt.start(paths, existing, signal));
      // A directory without a record is a create that died half-way.
      await this.#discard(spec.workloadId);
      try {
        await mkdir(paths.dir, { recursive: true });
        const image = await stageDisks(this.#rt, paths, spec, signal);
        await commitDisks(paths);
        return this.#rt.handle(paths, await this.#rt.boot(paths, recordFor(spec, image), signal));
      } catch (err) {
        await this.#discard(spec.workloadId);
        throw err;
      }
    });
  }

  async start(h: WorkloadHandle, signal: AbortSignal): Promise<void> {
    await this.#with(h.workloadId, (paths, rec) => this.#rt.start(paths, rec, signal));
  }

  async stop(h: WorkloadHandle, opts: StopOptions, signal: AbortSignal): Promise<void> {
    await this.#with(h.workloadId, (paths, rec) => this.#rt.powerOff(paths, rec, opts.timeoutMs, signal));
  }

  /** Soft: ACPI power-off, then reset (hard reset if the guest ignores it). Hard: reset. Ends running. */
  async reboot(h: WorkloadHandle, hard: boolean, signal: AbortSignal): Promise<void> {
    await this.#with(h.workloadId, async (paths, rec) => {
      const vm = this.#rt.vm(paths);
      const status = await vm.status();
      if (status === undefined || status === 'postmigrate') return this.#rt.start(paths, rec, signal);
      if (!hard && status === 'running') {
        const ms = this.#rt.cfg.gracefulTimeoutMs;
        if (!(await vm.powerdown(ms, signal)))
          await appendConsoleNote(paths.console, 'qemu', `the guest ignored ACPI for ${ms} ms; resetting it`);
        if ((await vm.pid()) === undefined) return this.#rt.start(paths, rec, signal);
      }
      await vm.command('system_reset');
      // The reset is carried out by QEMU's main loop; 'cont' before it would be refused.
      const after = await vm.waitFor((s) => s !== 'shutdown', 10_000, signal);
      if (after !== 'running') await vm.command('cont');
      return this.#rt.mark(paths, rec, 'running');
    });
  }

  async pause(h: WorkloadHandle, _signal?: AbortSignal): Promise<void> {
    await this.#with(h.workloadId, async (paths, rec) => {
      const status = await this.#need(paths, ['running', 'paused'], 'pause');
      if (status === 'running') await this.#rt.vm(paths).command('stop');
      return this.#rt.mark(paths, rec, 'paused');
    });
  }

  async triggerCrashDump(h: WorkloadHandle, _signal?: AbortSignal): Promise<void> {
    await this.#with(h.workloadId, async (paths, rec) => {
      await this.#need(paths, ['running', 'paused'], 'trigger a crash dump');
      await this.#rt.vm(paths).command('inject-nmi');
      return rec;
    });
  }

  async unpause(h: WorkloadHandle, _signal?: AbortSignal): Promise<void> {
    await this.#with(h.workloadId, async (paths, rec) => {
      const status = await this.#need(paths, ['running', 'paused'], 'unpause');
      if (status === 'paused') await this.#rt.vm(paths).command('cont');
      return this.#rt.mark(paths, rec, 'running');
    });
  }

  /** Saves guest memory to the workload dir and ends QEMU; resume continues where it was. */
  async suspend(h: WorkloadHandle, signal: AbortSignal): Promise<void> {
    await this.#with(h.workloadId, async (paths, rec) => {
      const vm = this.#rt.vm(paths);
      const status = await vm.status();
      if (status === undefined && (await exists(paths.savedState))) return rec;
      await this.#need(paths, ['running', 'paused'], 'suspend');
      await vm.saveState(signal);
      return this.#rt.mark(paths, rec, 'suspended');
    });
  }

  /** From the saved state; without one (or if it does not load) the VM boots from disk. */
  async resume(h: WorkloadHandle, signal: AbortSignal): Promise<void> {
    await this.#with(h.workloadId, (paths, rec) => this.#rt.start(paths, rec, signal));
  }

  /** Kills QEMU and removes the workload dir; resolves for unknown ids. */
  async destroy(workloadId: string, _signal?: AbortSignal): Promise<void> {
    if (!isSafeWorkloadId(workloadId)) return;
    await this.#lock.run(workloadId, () => this.#discard(workloadId));
  }

  async observe(workloadId: string): Promise<ObservedWorkload | undefined> {
    if (!isSafeWorkloadId(workloadId)) return undefined;
    const paths = this.#rt.paths(workloadId);
    const rec = await readVmRecord(paths.record).catch(() => undefined);
    if (rec === undefined) return undefined;
    await trimConsoleLog(paths.console).catch(() => undefined);
    const reading = await this.#rt
      .vm(paths)
      .status()
      .then(
        async (s) =>
          s === undefined
            ? powerWithoutProcess(rec.power, await exists(paths.savedState))
            : powerFromStatus(s),
        (err: Error) => ({
          power: 'crashed' as PowerObservation,
          reason: `QEMU does not answer QMP: ${err.message}`,
        }),
      );
    return { workloadId, ...reading };
  }

  async list(): Promise<ReadonlyArray<ObservedWorkload>> {
    const ids = await readdir(this.#rt.cfg.stateDir).catch(() => [] as string[]);
    const seen = await Promise.all(ids.filter(isSafeWorkloadId).map((id) => this.observe(id)));
    return seen.filter((o): o is ObservedWorkload => o !== undefined);
  }

  /** Cached bases; one is in use while an overlay (or a record) of a VM here names it. */
  listImageCache(): Promise<ReadonlyArray<ImageCacheEntry>> {
    return listBaseImages(this.#rt.cfg.cacheDir, this.#rt.cfg.stateDir);
  }

  touchImageCache(key: string): Promise<void> {
    return touchBaseImage(this.#rt.cfg.cacheDir, key);
  }

  removeImageCache(key: string): Promise<boolean> {
    return removeBaseImage(this.#rt.cfg.cacheDir, this.#rt.cfg.stateDir, key);
  }

  /**
   * After an agent restart: the VM never stopped, so there is nothing to start; this checks
   * that its QEMU (if any) answers. A VM that died meanwhile is reported by observe().
   */
  async recover(h: WorkloadHandle, _lastKnown?: PowerObservation): Promise<void> {
    if (!isSafeWorkloadId(h.workloadId)) return;
    const paths = this.#rt.paths(h.workloadId);
    if ((await readVmRecord(paths.record).catch(() => undefined)) === undefined) return;
    // A QEMU that does not answer is reported by observe(); nothing here may start another.
    await this.#rt
      .vm(paths)
      .status()
      .catch(() => undefined);
  }

  async consoleLog(h: WorkloadHandle, tailLines?: number): Promise<string> {
    const paths = this.#rt.paths(h.workloadId);
    await trimConsoleLog(paths.console);
    return tailConsoleLog(paths.console, tailLines);
  }

  serialConsoleState(h: WorkloadHandle): Promise<SerialConsoleState> {
    return qemuSerialState(this.#rt, h.workloadId);
  }

  async serialConsole(h: WorkloadHandle) {
    if ((await this.serialConsoleState(h)) !== 'ready')
      throw new Error(`qemu driver: ${h.workloadId} has no serial console now`);
    return openQemuSerial(this.#rt, h.workloadId);
  }

  async snapshot(h: WorkloadHandle, signal: AbortSignal): Promise<NodeJS.ReadableStream> {
    return this.#lock.run(h.workloadId, () => snapshotDisk(this.#rt, this.#rt.paths(h.workloadId), signal));
  }

  async resize(h: WorkloadHandle, spec: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle> {
    return this.#withHandle(h.workloadId, async (paths, rec) => {
      await checkGrowable(paths, rec, spec.rootGb);
      const off = await this.#rt.powerOff(paths, rec, this.#rt.cfg.gracefulTimeoutMs, signal);
      await keepForRevert(paths, off);
      await growRootDisk(paths, off, spec.rootGb);
      return this.#rt.boot(paths, recordFor(spec, off.image, off), signal);
    });
  }

  async confirmResize(workloadId: string, _signal?: AbortSignal): Promise<void> {
    if (!isSafeWorkloadId(workloadId)) return;
    await this.#lock.run(workloadId, () => dropKept(this.#rt.paths(workloadId)));
  }

  async revertResize(h: WorkloadHandle, spec: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle> {
    return this.#withHandle(h.workloadId, async (paths, rec) => {
      const off = await this.#rt.powerOff(paths, rec, this.#rt.cfg.gracefulTimeoutMs, signal);
      const kept = await restoreKept(paths);
      await growRootDisk(paths, kept ?? off, spec.rootGb);
      return this.#rt.boot(paths, recordFor(spec, (kept ?? off).image, off), signal);
    });
  }

  async rebuild(h: WorkloadHandle, spec: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle> {
    return this.#withHandle(h.workloadId, async (paths, rec) => {
      const image = await stageDisks(this.#rt, paths, spec, signal);
      const off = await this.#rt.powerOff(paths, rec, this.#rt.cfg.gracefulTimeoutMs, signal);
      await commitDisks(paths);
      return this.#rt.boot(paths, recordFor(spec, image, off), signal);
    });
  }

  /** Hot while QEMU runs, recorded either way (a stopped VM gets it at its next boot); idempotent. */
  async attachDevice(h: WorkloadHandle, device: WorkloadDevice, _signal?: AbortSignal): Promise<void> {
    await this.#with(h.workloadId, (paths, rec) => attachDevice(this.#rt, paths, rec, device));
  }

  /** Waits (bounded) until the guest let go of it; resolves when the device is not attached. */
  async detachDevice(h: WorkloadHandle, ref: DeviceRef, signal?: AbortSignal): Promise<void> {
    await this.#with(h.workloadId, (paths, rec) => detachDevice(this.#rt, paths, rec, ref, signal));
  }

  async devices(workloadId: string): Promise<ReadonlyArray<WorkloadDevice>> {
    if (!isSafeWorkloadId(workloadId)) return [];
    const rec = await readVmRecord(this.#rt.paths(workloadId).record).catch(() => undefined);
    return rec?.devices ?? [];
  }

  /** Runs `step` under the workload's lock with its record; fails for an unknown workload. */
  #with(workloadId: string, step: Step): Promise<VmRecord> {
    const paths = this.#rt.paths(workloadId);
    return this.#lock.run(workloadId, async () => step(paths, await this.#rt.record(paths)));
  }

  #withHandle(workloadId: string, step: Step): Promise<WorkloadHandle> {
    return this.#with(workloadId, step).then((rec) => this.#rt.handle(this.#rt.paths(workloadId), rec));
  }

  /** The run state, when it is one of `allowed`; else a clear error. */
  async #need(paths: WorkloadPaths, allowed: string[], action: string): Promise<string> {
    const status = await this.#rt.vm(paths).status();
    if (status !== undefined && allowed.includes(status)) return status;
    throw new Error(`qemu driver: cannot ${action} a VM that is ${status ?? 'not running'}`);
  }

  async #discard(workloadId: string): Promise<void> {
    const paths = this.#rt.paths(workloadId);
    await this.#rt.vm(paths).terminate();
    await rm(paths.dir, { recursive: true, force: true });
  }
}
