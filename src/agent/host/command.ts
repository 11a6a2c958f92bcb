import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Killed (SIGKILL) after this long; default 60 s. */
  readonly timeoutMs?: number;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** A host tool that failed: the message carries the command and what it printed on stderr. */
export class HostCommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(
      `${command} failed${exitCode === null ? '' : ` (exit ${exitCode})`}: ${stderr.trim() || 'no output'}`,
    );
    this.name = 'HostCommandError';
  }
}

/** Runs a host tool (qemu-img, runc, xorriso, ...) without a shell and returns its output. */
export function runCommand(
  cmd: string,
  args: ReadonlyArray<string>,
  opts: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        signal: opts.signal,
        timeout: opts.timeoutMs ?? 60_000,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        cwd: opts.cwd,
        env: opts.env,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr });
        const code = typeof err.code === 'number' ? err.code : null;
        const why = stderr || (err.killed ? `killed (${err.signal ?? 'timeout'})` : err.message);
        reject(new HostCommandError([cmd, ...args].join(' '), code, why));
      },
    );
  });
}

/** Whether an executable is on PATH (for capability probes and test skips). */
export function hasCommand(cmd: string): boolean {
  return commandPath(cmd) !== undefined;
}

/** Where PATH finds an executable `cmd` (a path with a slash is taken as it is). */
export function commandPath(cmd: string): string | undefined {
  const candidates = cmd.includes('/')
    ? [cmd]
    : (process.env['PATH'] ?? '').split(delimiter).map((d) => join(d, cmd));
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
