import { rename, rm } from 'node:fs/promises';
import { qemuArgs, type LaunchOptions } from './qemu-args.js';
import { kill, launchQemu, livePid, sleep, waitForExit } from './qemu-process.js';
import { withQmp, type QmpClient } from './qmp-client.js';
import { configureTaps } from './qemu-taps.js';
import { applyThrottles } from './qemu-throttle.js';
import { writeNbdTlsKeys } from './qemu-nbd-tls.js';
import { checkSocketPath, type VmRecord, type WorkloadPaths } from './qemu-workload.js';

/** Saving or loading a few hundred MiB of guest RAM through a pipe; generous but bounded. */
const migrationTimeoutMs = 300_000;
const quitTimeoutMs = 5_000;

/**
 * One workload's QEMU process, driven over short QMP sessions (QEMU serves one QMP client
 * at a time, so no session is held while waiting: observe() must not block behind a stop).
 */
export class QemuVm {
  constructor(
    readonly paths: WorkloadPaths,
    readonly binary: string,
    /** Network namespace of the NICs' host side (DriverConfig.hostNetns). */
    readonly netns?: string,
    /** The command line for a record (the microvm driver boots containers with its own). */
    readonly argsFor: typeof qemuArgs = qemuArgs,
  ) {}

  pid(): Promise<number | undefined> {
    return livePid(this.paths);
  }

  /** The QMP run state, or undefined when no QEMU runs. */
  async status(): Promise<string | undefined> {
    if ((await this.pid()) === undefined) return undefined;
    try {
      return (await this.qmp((q) => q.execute<{ status: string }>('query-status'))).status;
    } catch (err) {
      // QEMU may exit between the pid check and the query.
      if ((await this.pid()) === undefined) return undefined;
      throw err;
    }
  }

  qmp<T>(fn: (q: QmpClient) => Promise<T>): Promise<T> {
    return withQmp(this.paths.qmp, fn);
  }

  command<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    return this.qmp((q) => q.execute<T>(command, args));
  }

  async launch(rec: VmRecord, opts: LaunchOptions, signal?: AbortSignal): Promise<void> {
    checkSocketPath(this.paths);
    await rm(this.paths.qmp, { force: true });
    await rm(this.paths.serial, { force: true });
    await rm(this.paths.pidfile, { force: true });
    await writeNbdTlsKeys(this.paths.dir, rec.devices);
    await launchQemu(this.binary, this.argsFor(rec, this.paths, opts), this.netns, signal);
    const devicesUp = async () => {
      await configureTaps(rec, this.netns);
      await applyThrottles(this, rec.devices);
    };
    await devicesUp().catch(async (err: Error) => {
      await this.terminate().catch(() => undefined);
      throw err;
    });
  }

  /** Polls the run state until `done` holds (undefined: no process); returns the last state seen. */
  async waitFor(
    done: (status: string | undefined) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.status();
      if (done(s) || Date.now() >= deadline) return s;
      await sleep(200, signal);
    }
  }

  /** Presses the ACPI power button and waits for the guest to power off; false if it ignored it. */
  async powerdown(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    await this.command('system_powerdown');
    const s = await this.waitFor((st) => st === undefined || st === 'shutdown', timeoutMs, signal);
    return s === undefined || s === 'shutdown';
  }

  /** Ends the process: QMP quit, SIGKILL if it lingers; removes the socket and pidfile. */
  async terminate(): Promise<void> {
    const pid = await this.pid();
    if (pid !== undefined) {
      // QEMU closes the connection as it quits, sometimes before it replies.
      await this.command('quit').catch(() => undefined);
      if (!(await waitForExit(pid, this.paths, quitTimeoutMs))) {
        kill(pid, 'SIGKILL');
        if (!(await waitForExit(pid, this.paths, quitTimeoutMs)))
          throw new Error(`qemu driver: QEMU pid ${pid} did not exit after SIGKILL`);
      }
    }
    await rm(this.paths.qmp, { force: true });
    await rm(this.paths.serial, { force: true });
    await rm(this.paths.pidfile, { force: true });
  }

  /**
   * Writes guest RAM and device state to paths.savedState (QMP migrate to a file, the VM
   * paused first so one pass suffices), then ends QEMU. On failure the VM is left as it was.
   */
  async saveState(signal?: AbortSignal): Promise<void> {
    const tmp = `${this.paths.savedState}.tmp`;
    const wasRunning = (await this.status()) === 'running';
    await this.qmp(async (q) => {
      await q.execute('stop');
      await q.execute('migrate-set-parameters', { 'max-bandwidth': 8 * 1024 ** 3 });
      await q.execute('migrate', { uri: `exec:cat > ${shellQuote(tmp)}` });
    });
    const outcome = await this.#waitForMigration(signal);
    if (outcome !== 'completed') {
      await rm(tmp, { force: true });
      if (wasRunning) await this.command('cont').catch(() => undefined);
      throw new Error(`qemu driver: saving the VM state failed: ${outcome}`);
    }
    await rename(tmp, this.paths.savedState);
    await this.terminate();
  }

  /** Starts QEMU from paths.savedState (the VM must be launched with incoming: true), running. */
  async loadState(signal?: AbortSignal): Promise<void> {
    await this.command('migrate-incoming', { uri: `exec:cat ${shellQuote(this.paths.savedState)}` });
    const s = await this.waitFor((st) => st !== 'inmigrate', migrationTimeoutMs, signal);
    if (s === undefined) throw new Error('QEMU exited while loading the saved state');
    if (s === 'inmigrate') throw new Error(`the saved state did not load within ${migrationTimeoutMs} ms`);
    // The saved run state was 'paused' (suspend stops the VM before saving).
    if (s !== 'running') await this.command('cont');
  }

  async #waitForMigration(signal?: AbortSignal): Promise<string> {
    const deadline = Date.now() + migrationTimeoutMs;
    for (;;) {
      const m = await this.command<{ status?: string; 'error-desc'?: string }>('query-migrate');
      if (m.status === 'completed') return 'completed';
      if (m.status === 'failed' || m.status === 'cancelled') return m['error-desc'] ?? m.status;
      if (Date.now() >= deadline) {
        await this.command('migrate_cancel').catch(() => undefined);
        return `not finished within ${migrationTimeoutMs} ms`;
      }
      await sleep(100, signal);
    }
  }
}

/** For QEMU's exec: migration URIs, which run through /bin/sh. */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
