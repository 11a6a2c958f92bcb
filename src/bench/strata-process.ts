import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';

/** The compiled CLI; from src/bench or dist/bench it is ../../bin/strata.js. */
export const strataBin = fileURLToPath(new URL('../../bin/strata.js', import.meta.url));

const readyPattern = /Strata is up at (\S+) \(ready in (\d+) ms\)/;
const startTimeoutMs = 60_000;

/** The `strata` cloud from <dataDir>/clouds.yaml, as the openstack CLI reads it. */
export interface CloudsYamlAuth {
  readonly auth_url: string;
  readonly username: string;
  readonly password: string;
  readonly project_name: string;
  readonly user_domain_name: string;
  readonly project_domain_name: string;
}

export function readCloudsYaml(dataDir: string): CloudsYamlAuth {
  const doc = parse(readFileSync(join(dataDir, 'clouds.yaml'), 'utf8')) as {
    clouds: { strata: { auth: CloudsYamlAuth } };
  };
  return doc.clouds.strata.auth;
}

/** The environment minus STRATA_*, so the child runs on its defaults and flags alone. */
function childEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STRATA_')));
  // The fake dataplane: as root `auto` would take the host's network namespace for router1
  // (qrouter-…, strata-external), which a kill -9 (the soak's) leaves behind. The dataplane
  // benchmarks run their own agents in namespaces of their own.
  return { ...env, STRATA_DATAPLANE: 'fake' };
}

/** Memory of a live process from /proc/<pid>/status, in MiB. */
/**
 * CPU time (user + system) of one thread so far, in ms, from /proc (10 ms ticks). Unlike
 * event-loop busy time it does not grow when a loaded machine leaves the thread waiting.
 */
export function threadCpuMs(pid: number, tid = pid): number {
  return statCpuMs(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
}

/** utime + stime of a /proc `stat` line, in ms (Linux's USER_HZ is 100). */
export function statCpuMs(stat: string): number {
  // Fields after the command name, which may hold spaces and ')': state is 3rd, utime 14th, stime 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function procMemory(pid: number): { readonly rssMiB: number; readonly hwmMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
}

/** A `strata up` child process, started and waited for by `StrataProcess.start`. */
export class StrataProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly pid: number,
    /** The public URL from the banner. */
    readonly url: string,
    /** performance.now() just before spawn. */
    readonly spawnedAt: number,
    /** The "ready in N ms" the process itself reported (after its modules loaded). */
    readonly selfReportedMs: number,
  ) {}

  /**
   * Spawns `strata up --port 0` on `dataDir` and resolves once the banner is on stderr;
   * `extra` flags come last, so they win over these defaults (e.g. a fixed `--port`).
   */
  static async start(dataDir: string, extra: ReadonlyArray<string> = []): Promise<StrataProcess> {
    const args = [
      ...[strataBin, 'up', '--data-dir', dataDir, '--port', '0', '--log-file', join(dataDir, 'log')],
      ...extra,
    ];
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, args, { env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    const match = await waitForBanner(child);
    return new StrataProcess(child, child.pid!, match[1]!, spawnedAt, Number(match[2]));
  }

  /** SIGTERM, then the exit code (null when killed by a signal) and how long it took. */
  async stop(): Promise<{ readonly code: number | null; readonly ms: number }> {
    if (this.child.exitCode !== null) return { code: this.child.exitCode, ms: 0 };
    const t0 = performance.now();
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return { code, ms: performance.now() - t0 };
  }
}

function waitForBanner(child: ChildProcess): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`strata up ${why}; stderr:\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${startTimeoutMs} ms`), startTimeoutMs);
    child.once('exit', (code) => fail(`exited with ${code} before it was ready`));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const match = readyPattern.exec(stderr);
      if (match === null) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve(match);
    });
  });
}

/** The token request the openstack CLI sends for the clouds.yaml entry. */
export function cloudsYamlAuthBody(a: CloudsYamlAuth) {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: a.username, domain: { name: a.user_domain_name }, password: a.password } },
      },
      scope: { project: { name: a.project_name, domain: { name: a.project_domain_name } } },
    },
  };
}

/** Starts `strata up` on `dataDir`, runs `fn`, and SIGTERMs the process if `fn` did not stop it. */
export async function withStrata<T>(dataDir: string, fn: (p: StrataProcess) => Promise<T>): Promise<T> {
  const p = await StrataProcess.start(dataDir);
  try {
    return await fn(p);
  } finally {
    await p.stop();
  }
}
