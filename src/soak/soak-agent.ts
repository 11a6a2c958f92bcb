import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { strataBin } from '../bench/strata-process.js';

/** The soak's agent host: its hostname and the availability zone its servers ask for. */
export const soakAgentHost = { hostname: 'soak-agent-1', zone: 'soak-agent' } as const;

const readyText = 'is serving';
const startTimeoutMs = 60_000;

/** The environment minus STRATA_*, so the agent runs on its flags alone. */
function agentEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STRATA_')));
}

/**
 * A `strata agent` child beside the soak's control plane: the fake driver and the fake
 * dataplane on a data dir of its own, in a zone of its own so the soak chooses which
 * servers it runs. `kill9` kills it and starts it again on the same data dir and hostname;
 * an exit nobody asked for is recorded (a violation) and followed by a restart.
 */
export class SoakAgent {
  #child: ChildProcess | undefined;
  #stopping = false;
  #restarting: Promise<void> | undefined;
  readonly unexpectedExits: string[] = [];
  /** Every pid this soak started for the agent, to check at the end that none is left. */
  readonly pids: number[] = [];

  constructor(
    readonly dataDir: string,
    private readonly cloudsYaml: string,
    /** Waits out a control-plane restart: an agent cannot register while nothing answers. */
    private readonly controlPlaneUp: () => Promise<void>,
    private readonly progress: (line: string) => void = () => undefined,
  ) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  }

  async start(): Promise<void> {
    const t0 = Date.now();
    const child = await spawnAgent(this.dataDir, this.cloudsYaml);
    this.#child = child;
    this.pids.push(child.pid!);
    this.progress(`soak: strata agent pid ${child.pid} serving in ${Date.now() - t0} ms`);
    child.once('exit', (code, signal) => this.#exited(child, code, signal));
  }

  #exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#child !== child || this.#stopping || this.#restarting !== undefined) return;
    const what = `strata agent (pid ${child.pid}) exited on its own: code ${code}, signal ${signal}`;
    this.unexpectedExits.push(what);
    this.progress(`soak: ${what}; restarting it`);
    this.#restart();
  }

  #restart(): Promise<void> {
    const run = this.#restartUntilUp()
      .catch((err: unknown) => {
        this.unexpectedExits.push(
          `strata agent could not be restarted: ${(err as Error).message.slice(0, 500)}`,
        );
      })
      .finally(() => (this.#restarting = undefined));
    this.#restarting = run;
    return run;
  }

  async #restartUntilUp(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.controlPlaneUp();
        return await this.start();
      } catch (err) {
        this.progress(
          `soak: strata agent did not start (attempt ${attempt}): ${(err as Error).message.slice(0, 300)}`,
        );
        if (attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    }
  }

  /** kill -9 the agent, then start it again; its servers must reconcile on their own. */
  async kill9(): Promise<void> {
    await this.#restarting;
    const child = this.#child;
    if (child === undefined) return;
    this.#restarting = Promise.resolve(); // the exit handler leaves this exit to us
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGKILL');
      await exited;
    }
    await this.#restart();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#restarting;
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Spawns `strata agent` and resolves once it says it is serving. */
function spawnAgent(dataDir: string, cloudsYaml: string): Promise<ChildProcess> {
  const args = [
    ...[strataBin, 'agent', '--clouds-yaml', cloudsYaml, '--cloud', 'strata'],
    ...['--hostname', soakAgentHost.hostname, '--availability-zone', soakAgentHost.zone],
    ...['--data-dir', dataDir, '--compute-driver', 'fake', '--dataplane', 'fake'],
    ...['--log-file', join(dataDir, 'agent.log')],
  ];
  const child = spawn(process.execPath, args, { env: agentEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let stderr = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`strata agent ${why}; stderr:\n${stderr.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail(`not serving after ${startTimeoutMs} ms`), startTimeoutMs);
    child.once('exit', (code) => fail(`exited with ${code} before it was serving`));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      if (!stderr.includes(readyText)) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stderr!.removeAllListeners('data');
      child.stderr!.resume();
      resolve(child);
    });
  });
}
