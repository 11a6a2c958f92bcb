import { access, rm } from 'node:fs/promises';
import type { WorkloadHandle } from '../driver.js';
import type { AcceleratorProbe } from './accel-probe-cache.js';
import { detectAccelerator } from './qemu-accel.js';
import { appendConsoleNote, trimConsoleLog } from '../../host/console-log.js';
import { QemuVm } from './qemu-vm.js';
import {
  readVmRecord,
  workloadPaths,
  writeVmRecord,
  type Accelerator,
  type VmRecord,
  type WorkloadPaths,
} from './qemu-workload.js';

export interface QemuRuntimeConfig {
  readonly stateDir: string;
  readonly cacheDir: string;
  readonly qemuBinary: string;
  /** Skips the KVM probe. */
  readonly accelerator?: Accelerator;
  /** Where the probe's answer is kept for the rest of the boot (machine-wide by default). */
  readonly acceleratorCacheFile?: string;
  /** How long a guest gets to power off for soft reboot, resize and rebuild. */
  readonly gracefulTimeoutMs: number;
  /** How long a guest gets to let go of a device on detach. */
  readonly detachTimeoutMs: number;
  /** Network namespace of the NICs' host side (DriverConfig.hostNetns); the agent's own when unset. */
  readonly hostNetns?: string;
}

/** What the agent keeps for a qemu workload (for people reading it; the driver itself reads vm.json). */
export interface QemuHandleState {
  readonly workloadDir: string;
  readonly accelerator: Accelerator;
  readonly pid: number | null;
  readonly imageId: string;
  readonly diskFormat: string;
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly rootGb: number;
}

/** The steps every operation is built from: boot, start, power off, restore, records. */
export class QemuRuntime {
  constructor(readonly cfg: QemuRuntimeConfig) {}

  accelerator(): Promise<AcceleratorProbe> {
    if (this.cfg.accelerator)
      return Promise.resolve({ accelerator: this.cfg.accelerator, reason: 'configured' });
    return detectAccelerator({
      qemuBinary: this.cfg.qemuBinary,
      ...(this.cfg.acceleratorCacheFile !== undefined && { cacheFile: this.cfg.acceleratorCacheFile }),
    });
  }

  paths(workloadId: string): WorkloadPaths {
    return workloadPaths(this.cfg.stateDir, workloadId);
  }

  vm(paths: WorkloadPaths): QemuVm {
    return new QemuVm(paths, this.cfg.qemuBinary, this.cfg.hostNetns);
  }

  async record(paths: WorkloadPaths): Promise<VmRecord> {
    const rec = await readVmRecord(paths.record);
    if (rec === undefined) throw new Error(`qemu driver: no workload at ${paths.dir}`);
    return rec;
  }

  async handle(paths: WorkloadPaths, rec: VmRecord): Promise<WorkloadHandle> {
    const state: QemuHandleState = {
      workloadDir: paths.dir,
      accelerator: rec.accelerator,
      pid: (await this.vm(paths).pid()) ?? null,
      imageId: rec.image.id,
      diskFormat: rec.image.diskFormat,
      vcpus: rec.vcpus,
      memoryMb: rec.memoryMb,
      rootGb: rec.rootGb,
    };
    const diagnostics = {
      cpu_count: rec.vcpus,
      memory_mb: rec.memoryMb,
      disk_gb: rec.rootGb,
      accelerator: rec.accelerator,
      disk_format: rec.image.diskFormat,
    };
    return { workloadId: rec.workloadId, driver: 'qemu', stateVersion: 1, state, diagnostics };
  }

  /** A cold boot from disk with the host's current accelerator; the record follows. */
  async boot(paths: WorkloadPaths, rec: VmRecord, signal?: AbortSignal): Promise<VmRecord> {
    await trimConsoleLog(paths.console);
    const next: VmRecord = { ...rec, accelerator: (await this.accelerator()).accelerator, power: 'running' };
    await this.vm(paths).launch(next, {}, signal);
    await writeVmRecord(paths.record, next);
    return next;
  }

  /** Powers on whatever state the VM is in: running stays, paused continues, suspended resumes. */
  async start(paths: WorkloadPaths, rec: VmRecord, signal?: AbortSignal): Promise<VmRecord> {
    const vm = this.vm(paths);
    const status = await vm.status();
    if (status === 'running') return this.mark(paths, rec, 'running');
    if (status === 'paused') await vm.command('cont');
    else if (status === 'suspended') await vm.command('system_wakeup');
    if (status === 'paused' || status === 'suspended') return this.mark(paths, rec, 'running');
    // Anything else (guest powered off, crashed, half-saved): a new process.
    if (status !== undefined) await vm.terminate();
    if (await exists(paths.savedState)) return this.restore(paths, rec, signal);
    return this.boot(paths, rec, signal);
  }

  /** Graceful (ACPI) for up to `timeoutMs`, then forced (0: at once); no process is left and no saved state. */
  async powerOff(
    paths: WorkloadPaths,
    rec: VmRecord,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<VmRecord> {
    const vm = this.vm(paths);
    // A zero timeout forces at once: a power button nobody waits for only races the kill.
    const graceful = async () => timeoutMs > 0 && (await vm.powerdown(timeoutMs, signal));
    if ((await vm.status()) === 'running' && !(await graceful()))
      await appendConsoleNote(
        paths.console,
        'qemu',
        `the guest did not power off within ${timeoutMs} ms; forcing`,
      );
    await vm.terminate();
    await rm(paths.savedState, { force: true });
    return this.mark(paths, rec, 'stopped');
  }

  /**
   * Starts QEMU from the state suspend saved. A state that does not load (QEMU changed,
   * file damaged) is dropped and the VM boots from its disk instead, with a console note.
   */
  async restore(paths: WorkloadPaths, rec: VmRecord, signal?: AbortSignal): Promise<VmRecord> {
    const vm = this.vm(paths);
    try {
      await vm.launch(rec, { incoming: true }, signal);
      await vm.loadState(signal);
      await rm(paths.savedState, { force: true });
      return await this.mark(paths, rec, 'running');
    } catch (err) {
      await vm.terminate().catch(() => undefined);
      await rm(paths.savedState, { force: true });
      await appendConsoleNote(
        paths.console,
        'qemu',
        `resume failed (${(err as Error).message}); booting from disk`,
      );
      return this.boot(paths, rec, signal);
    }
  }

  /** Records what the driver made of the VM (observe tells our stops from crashes by it). */
  async mark(paths: WorkloadPaths, rec: VmRecord, power: VmRecord['power']): Promise<VmRecord> {
    const next = { ...rec, power };
    if (rec.power !== power) await writeVmRecord(paths.record, next);
    return next;
  }
}

export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
