import { StrataProcess } from '../bench/strata-process.js';
import type { FaultWindows } from './soak-faults-window.js';

/**
 * The soak's `strata up` child. It keeps the first start's port so clients find it again
 * after a restart, restarts it after `kill9`, and notices (and restarts after) an exit
 * nobody asked for, which the soak reports as a violation.
 */
export class SoakControlPlane {
  #proc: StrataProcess | undefined;
  #port = 0;
  #stopping = false;
  #restarting: Promise<void> | undefined;
  /** Exits the soak did not cause (e.g. a crash on ENOSPC), with how the process ended. */
  readonly unexpectedExits: string[] = [];
  /** Every pid this soak started, to check at the end that none is left. */
  readonly pids: number[] = [];

  constructor(
    readonly dataDir: string,
    private readonly extraArgs: ReadonlyArray<string>,
    private readonly windows: FaultWindows,
  ) {}

  get url(): string {
    if (this.#proc === undefined) throw new Error('the control plane is not running');
    return this.#proc.url;
  }

  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  async start(): Promise<void> {
    const port = this.#port === 0 ? [] : ['--port', String(this.#port)];
    const proc = await StrataProcess.start(this.dataDir, [...this.extraArgs, ...port]);
    this.#proc = proc;
    this.pids.push(proc.pid);
    this.#port = Number(new URL(proc.url).port);
    proc.child.once('exit', (code, signal) => this.#exited(proc, code, signal));
  }

  #exited(proc: StrataProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#proc !== proc || this.#stopping || this.#restarting !== undefined) return;
    this.unexpectedExits.push(
      `strata up (pid ${proc.pid}) exited on its own: code ${code}, signal ${signal}`,
    );
    const close = this.windows.open();
    this.#restarting = this.#restartUntilUp().finally(() => {
      close();
      this.#restarting = undefined;
    });
  }

  /** kill -9 the control plane, then start it again on the same data dir and port. */
  async kill9(): Promise<void> {
    await this.#restarting;
    const proc = this.#proc;
    if (proc === undefined) return;
    const close = this.windows.open();
    const run = (async () => {
      const exited = new Promise<void>((r) => proc.child.once('exit', () => r()));
      proc.child.kill('SIGKILL');
      await exited;
      await this.#restartUntilUp();
    })();
    this.#restarting = run;
    try {
      await run;
    } finally {
      this.#restarting = undefined;
      close();
    }
  }

  /** Restarts, retrying: a start may fail while the disk is full or the port is still held. */
  async #restartUntilUp(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.start();
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    }
  }

  /** Waits out a restart in progress (clients call this after a refused connection). */
  async settled(): Promise<void> {
    await this.#restarting;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#restarting?.catch(() => undefined);
    await this.#proc?.stop();
  }
}
