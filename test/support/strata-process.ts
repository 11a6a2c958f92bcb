import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { reapWorkloadsUnder } from '../../src/agent/host/workload-reaper.js';
import { stopProcessGroup } from './process-reaper.js';

const repoRoot = new URL('../../', import.meta.url).pathname;
export const strataBin = join(repoRoot, 'bin/strata.js');

export interface StrataProcess {
  readonly url: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** The admin entry of the clouds.yaml that `strata up` wrote. */
  readonly adminAuth: Readonly<Record<string, unknown>>;
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
  /** Stops the process and its children, ends the workloads it left, then removes the data dir. */
  cleanup(): Promise<void>;
}

/** Requires `npm run build` first: tests run the compiled CLI exactly as a user would. */
export function builtCliAvailable(): boolean {
  return existsSync(join(repoRoot, 'dist/cli/main.js'));
}

/** Starts `strata up` on a free port and waits until it prints that it is up. */
export async function startStrata(
  opts: { dataDir?: string; databaseUrl?: string; extraArgs?: string[]; env?: Record<string, string> } = {},
): Promise<StrataProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'strata-up-'));
  const args = [
    strataBin,
    'up',
    '--data-dir',
    dataDir,
    '--port',
    '0',
    '--log-file',
    join(dataDir, 'strata.log'),
  ];
  if (opts.databaseUrl) args.push('--database-url', opts.databaseUrl);
  const child = spawn(process.execPath, [...args, ...(opts.extraArgs ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own, so cleanup reaches the children too.
    detached: true,
    // Real drivers and the kernel's dataplane only where a test asks for them
    // (STRATA_COMPUTE_DRIVER, STRATA_DATAPLANE): as root the defaults would take both.
    // Strict responses: a body that strays from its route's schema answers 500 and fails the test.
    env: {
      STRATA_COMPUTE_DRIVER: 'fake',
      STRATA_DATAPLANE: 'fake',
      STRATA_STRICT_RESPONSES: '1',
      ...process.env,
      ...opts.env,
    },
  });
  const url = await waitForUp(child);
  const clouds = parse(readFileSync(join(dataDir, 'clouds.yaml'), 'utf8')) as {
    clouds: { strata: { auth: Record<string, unknown> } };
  };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url,
    dataDir,
    child,
    adminAuth: clouds.clouds.strata.auth,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async cleanup() {
      await stopProcessGroup(child, exited);
      reapWorkloadsUnder(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function waitForUp(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // not left running after a failed start
      reject(new Error(`strata up did not start in 120 s:\n${err}`));
    }, 120_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const m = /Strata is up at (\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`strata up exited with ${code}:\n${err}`));
    });
  });
}
