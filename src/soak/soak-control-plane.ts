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
  /** Exits the soak did not cause (e.g. a crash on ENOSPC), and restarts that failed. */
  readonly unexpectedExits: string[] = [];
  /** Every pid this soak started, to check at the end that none is left. */
  readonly pids: number[] = [];

  constructor(
    readonly dataDir: string,
    private readonly extraArgs: ReadonlyArray<string>,
    private readonly windows: FaultWindows,
    private readonly progress: (line: string) => void = () => undefined,
  ) {}

  get url(): string {
    if (this.#proc === undefined) throw new Error('the control plane is not running');
    return this.#proc.url;
  }

  async start(): Promise<void> {
    const port = this.#port === 0 ? [] : ['--port', String(this.#port)];
    const t0 = Date.now();
    const proc = await StrataProcess.start(this.dataDir, [...this.extraArgs, ...port]);
    this.progress(`soak: strata up pid ${proc.pid} ready at ${proc.url} in ${Date.now() - t0} ms`);
    this.#proc = proc;
    this.pids.push(proc.pid);
    this.#port = Number(new URL(proc.url).port);
    proc.child.once('exit', (code, signal) => this.#exited(proc, code, signal));
  }

  #exited(proc: StrataProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#proc !== proc || this.#stopping || this.#restarting !== undefined) return;
    const what = `strata up (pid ${proc.pid}) exited on its own: code ${code}, signal ${signal}`;
    this.unexpectedExits.push(what);
    this.progress(`soak: ${what}; restarting it`);
    this.#restart();
  }

  /** Starts again in the background; `settled()` waits for it. A restart that fails is recorded. */
  #restart(): Promise<void> {
    const close = this.windows.open();
    const run = this.#restartUntilUp()
      .catch((err: unknown) => {
        this.unexpectedExits.push(
          `strata up could not be restarted: ${(err as Error).message.slice(0, 500)}`,
        );
      })
      .finally(() => {
        close();
        this.#restarting = undefined;
      });
    this.#restarting = run;
    return run;
  }

  /** kill -9 the control plane, then start it again on the same data dir and port. */
  async kill9(): Promise<void> {
    await this.#restarting;
    const proc = this.#proc;
    if (proc === undefined) return;
    this.#restarting = Promise.resolve(); // the exit handler leaves this exit to us
    // Open before the kill: requests in flight break before the exit event is seen.
    const close = this.windows.open();
    try {
      if (proc.child.exitCode === null && proc.child.signalCode === null) {
        const exited = new Promise<void>((r) => proc.child.once('exit', () => r()));
        proc.child.kill('SIGKILL');
        await exited;
      }
      await this.#restart();
    } finally {
      close();
    }
  }

  /** Restarts, retrying: a start may fail while the disk is full or the port is still held. */
  async #restartUntilUp(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.start();
      } catch (err) {
        this.progress(
          `soak: strata up did not start (attempt ${attempt}): ${(err as Error).message.slice(0, 300)}`,
        );
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
    await this.#restarting;
    await this.#proc?.stop();
  }
}
