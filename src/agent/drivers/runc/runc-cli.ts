import { spawn } from 'node:child_process';
import { open, readFile, writeFile } from 'node:fs/promises';
import { HostCommandError, runCommand } from '../../host/command.js';
import { openConsoleStdin } from './runc-console.js';

export type RuncStatus = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

/** What `runc state` reports for one container. */
export interface RuncState {
  readonly id: string;
  readonly pid: number;
  readonly status: RuncStatus;
  readonly bundle: string;
}

const timeoutMs = 60_000;

/**
 * The runc command line, with Strata's own `--root` so its containers are kept apart from
 * any other runc user's on the host.
 */
export class RuncCli {
  constructor(
    readonly root: string,
    readonly binary = 'runc',
  ) {}

  /** The container's state, or undefined when runc has no such container. */
  async state(id: string): Promise<RuncState | undefined> {
    try {
      const { stdout } = await this.#run(['state', id]);
      return JSON.parse(stdout) as RuncState;
    } catch (err) {
      if (err instanceof HostCommandError && /does not exist|not found/i.test(err.stderr)) return undefined;
      throw err;
    }
  }

  async list(): Promise<RuncState[]> {
    const { stdout } = await this.#run(['list', '--format', 'json']);
    return (JSON.parse(stdout || 'null') as RuncState[] | null) ?? [];
  }

  /**
   * Creates and starts the container detached: it is nobody's child, so it outlives the
   * agent. Its stdin is the FIFO `consoleIn` (the serial console writes there, see
   * runc-console.ts), its stdout and stderr go to `consoleLog` (appending); runc's own
   * errors are read back from `runcLog` for the thrown message.
   */
  async runDetached(
    id: string,
    bundle: string,
    io: { readonly consoleIn: string; readonly consoleLog: string; readonly runcLog: string },
  ): Promise<void> {
    const { consoleIn, consoleLog, runcLog } = io;
    await writeFile(runcLog, '');
    const stdin = await openConsoleStdin(consoleIn);
    const log = await open(consoleLog, 'a', 0o600).catch(async (err: unknown) => {
      await stdin.close();
      throw err;
    });
    const args = ['--root', this.root, '--log', runcLog, '--log-format', 'json', 'run', '--detach'];
    try {
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(this.binary, [...args, '--bundle', bundle, id], {
          stdio: [stdin.fd, log.fd, log.fd],
          detached: true,
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.on('error', reject);
        child.on('exit', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      if (code !== 0)
        throw new HostCommandError(`${this.binary} run ${id}`, code, await lastRuncError(runcLog));
    } finally {
      await Promise.all([log.close(), stdin.close()]);
    }
  }

  async kill(id: string, signal: 'TERM' | 'KILL'): Promise<void> {
    await this.#run(['kill', id, signal]);
  }

  async delete(id: string, force = false): Promise<void> {
    await this.#run(['delete', ...(force ? ['--force'] : []), id]);
  }

  async pause(id: string): Promise<void> {
    await this.#run(['pause', id]);
  }

  async resume(id: string): Promise<void> {
    await this.#run(['resume', id]);
  }

  /** `runc --version`'s first line, e.g. "runc version 1.1.5+ds1". */
  async version(): Promise<string> {
    const { stdout } = await runCommand(this.binary, ['--version'], { timeoutMs });
    return stdout.split('\n')[0]?.trim() ?? 'unknown';
  }

  #run(args: ReadonlyArray<string>) {
    return runCommand(this.binary, ['--root', this.root, ...args], { timeoutMs });
  }
}

/** The last error runc logged (its JSON log has one object per line). */
async function lastRuncError(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const messages = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as { level?: string; msg?: string };
      } catch {
        return { level: 'error', msg: l };
      }
    })
    .filter((e) => e.level === 'error' || e.level === 'fatal');
  return messages.at(-1)?.msg ?? 'runc failed without a message';
}
