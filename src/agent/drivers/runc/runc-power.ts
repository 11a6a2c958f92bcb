import { setTimeout as sleep } from 'node:timers/promises';
import type { RuncCli, RuncState } from './runc-cli.js';
import { processGone } from './runc-process.js';

const pollMs = 20;
/** After SIGKILL the kernel needs only moments; past this something is wrong (D state). */
const killWaitMs = 10_000;

/** Waits until the container's init has exited; false when `timeoutMs` passed first. */
export async function waitForExit(
  state: RuncState,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await processGone(state.pid)) return true;
    if (Date.now() >= deadline) return false;
    signal?.throwIfAborted();
    await sleep(pollMs);
  }
}

/**
 * Stops the container and removes it from runc, keeping its bundle and rootfs: SIGTERM,
 * up to `timeoutMs` for the guest to exit, then SIGKILL. A frozen (paused) container is
 * thawed first so it can see the signal. Resolves when there is no container.
 */
export async function stopContainer(
  runc: RuncCli,
  id: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const state = await runc.state(id);
  if (state === undefined) return;
  if (state.status === 'paused') await runc.resume(id);
  if (state.status === 'running' || state.status === 'paused') {
    const graceful =
      timeoutMs > 0 && (await sendSignal(runc, id, 'TERM')) && (await waitForExit(state, timeoutMs, signal));
    if (!graceful) await killAndWait(runc, id, state);
  }
  await runc.delete(id, true);
}

async function killAndWait(runc: RuncCli, id: string, state: RuncState): Promise<void> {
  await sendSignal(runc, id, 'KILL');
  if (!(await waitForExit(state, killWaitMs)))
    throw new Error(`runc driver: container ${id} (pid ${state.pid}) did not exit after SIGKILL`);
}

/** False when the container had already stopped (runc refuses to signal it). */
async function sendSignal(runc: RuncCli, id: string, sig: 'TERM' | 'KILL'): Promise<boolean> {
  try {
    await runc.kill(id, sig);
    return true;
  } catch (err) {
    const now = await runc.state(id);
    if (now === undefined || now.status === 'stopped') return false;
    throw err;
  }
}
