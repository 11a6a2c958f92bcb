import { join } from 'node:path';
import { runCommand } from '../agent/host/command.js';
import type { SoakControlPlane } from './soak-control-plane.js';
import type { FaultWindows } from './soak-faults-window.js';
import { fillDisk } from './soak-data-dir.js';
import type { SoakTally } from './soak-tally.js';
import type { SoakAgent } from './soak-agent.js';
import type { SoakApi } from './soak-api.js';
import { killQemu, qemuStateDir } from './soak-qemu.js';
import { setTimeout as delay } from 'node:timers/promises';

export type FaultKind = 'kill-control-plane' | 'kill-container' | 'fill-disk' | 'kill-agent' | 'kill-qemu';

export interface FaultPlan {
  readonly cp: SoakControlPlane;
  readonly windows: FaultWindows;
  readonly tally: SoakTally;
  readonly kinds: ReadonlyArray<FaultKind>;
  readonly everyMs: number;
  /** How long the disk stays full. */
  readonly fullMs: number;
  readonly progress: (line: string) => void;
  /** The separate agent host, for kill-agent. */
  readonly agent?: SoakAgent;
  /** The API, for kill-qemu to pick an idle VM and see the power sync. */
  readonly api?: SoakApi;
  /** How long kill-qemu waits for the power sync to stop the server. */
  readonly powerSyncMs?: number;
}

/** runc's state root of the control plane's runc driver (`<data>/instances/runc/.runc`). */
export function runcRoot(dataDir: string): string {
  return join(dataDir, 'instances', 'runc', '.runc');
}

interface RuncContainer {
  readonly id: string;
  readonly pid: number;
  readonly status: string;
}

/** The containers runc knows under this soak's own root, so no other container is ever touched. */
export async function soakContainers(dataDir: string): Promise<RuncContainer[]> {
  const out = await runCommand('runc', ['--root', runcRoot(dataDir), 'list', '--format', 'json'], {
    timeoutMs: 20_000,
  }).catch(() => ({ stdout: 'null' }));
  return (JSON.parse(out.stdout.trim() || 'null') as RuncContainer[] | null) ?? [];
}

/** SIGKILLs one running container's init from outside, as an OOM kill or an operator would. */
async function killContainer(plan: FaultPlan): Promise<boolean> {
  const running = (await soakContainers(plan.cp.dataDir)).filter((c) => c.status === 'running' && c.pid > 0);
  const victim = running[Math.floor(Math.random() * running.length)];
  if (victim === undefined) return false;
  process.kill(victim.pid, 'SIGKILL');
  return true;
}

/** Checks a fault started and left running (kill-qemu's wait for the power sync). */
type Pending = Array<Promise<void>>;

async function inject(
  plan: FaultPlan,
  kind: FaultKind,
  pending: Pending,
  signal: AbortSignal,
): Promise<boolean> {
  if (kind === 'kill-control-plane') {
    await plan.cp.kill9();
    return true;
  }
  if (kind === 'kill-container') return killContainer(plan);
  if (kind === 'kill-agent') {
    await plan.agent!.kill9();
    return true;
  }
  if (kind === 'kill-qemu') {
    const killed = await killQemu({
      api: plan.api!,
      tally: plan.tally,
      stateDir: qemuStateDir(plan.cp.dataDir),
      findMs: plan.everyMs,
      syncMs: plan.powerSyncMs ?? 120_000,
      signal,
    });
    if (killed !== undefined) pending.push(killed.check);
    return killed !== undefined;
  }
  const close = plan.windows.open();
  try {
    await fillDisk(plan.cp.dataDir, plan.fullMs);
  } finally {
    close();
  }
  return true;
}

/** Injects the plan's faults in turn, one every `everyMs`, until `signal` aborts. */
export async function runFaults(plan: FaultPlan, signal: AbortSignal): Promise<void> {
  const pending: Pending = [];
  for (let i = 0; !signal.aborted; i++) {
    await delay(plan.everyMs, undefined, { signal }).catch(() => undefined);
    if (signal.aborted || plan.kinds.length === 0) break;
    const kind = plan.kinds[i % plan.kinds.length]!;
    try {
      plan.progress(`soak: injecting ${kind}`);
      if (await inject(plan, kind, pending, signal)) plan.tally.fault(kind);
      else plan.progress(`soak: ${kind} found nothing to kill`);
    } catch (err) {
      plan.tally.violation(
        `fault ${kind} could not be injected or recovered from: ${(err as Error).message}`,
      );
    }
  }
  await Promise.all(pending);
}
