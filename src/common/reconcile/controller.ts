import type { Logger } from 'pino';
import { WorkQueue } from './work-queue.js';

export interface ReconcileResult {
  /** Check this key again after a delay (polling an external state). */
  readonly requeueAfterMs?: number;
}

/** Level-triggered: given a key, read desired and observed state fresh, do one step, return. */
export interface Reconciler<K extends string = string> {
  readonly name: string;
  /** Throwing retries with backoff; a TerminalError stops retrying (the reconciler records the fault). */
  reconcile(key: K, signal: AbortSignal): Promise<ReconcileResult>;
  /** Every key that should exist now; used by the periodic resync so a missed event only delays work. */
  listKeys?(): Promise<ReadonlyArray<K>>;
}

/** An error that retrying cannot fix. */
export class TerminalError extends Error {}

/** Where a controller reports its passes and queue (metrics); kinds drop the `@host` suffix. */
export interface ControllerObserver {
  reconciled(kind: string, seconds: number, ok: boolean): void;
  /** Starts reporting a queue's depth; the returned function stops it. */
  watchQueue(kind: string, depth: () => number): () => void;
}

export interface ControllerOptions {
  readonly workers: number;
  /** Re-enqueue every key this often (0 = never). */
  readonly resyncMs: number;
  readonly log: Logger;
  readonly observer?: ControllerObserver | undefined;
}

/** `instances@host-7` → `instances`: one series per kind of controller, not per host. */
export const controllerKind = (name: string): string => name.split('@', 1)[0] ?? name;

/** A running controller: its queue (for event sources) and a stop function. */
export interface RunningController<K extends string> {
  readonly queue: WorkQueue<K>;
  stop(): Promise<void>;
}

export function startController<K extends string>(
  r: Reconciler<K>,
  opts: ControllerOptions,
): RunningController<K> {
  const queue = new WorkQueue<K>();
  const abort = new AbortController();
  const kind = controllerKind(r.name);
  const unwatch = opts.observer?.watchQueue(kind, () => queue.length);
  const worker = async () => {
    for (let key = await queue.take(); key !== undefined; key = await queue.take()) {
      const start = performance.now();
      try {
        const result = await r.reconcile(key, abort.signal);
        opts.observer?.reconciled(kind, (performance.now() - start) / 1000, true);
        queue.forget(key);
        if (result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
      } catch (err) {
        if (abort.signal.aborted) break;
        opts.observer?.reconciled(kind, (performance.now() - start) / 1000, false);
        if (err instanceof TerminalError)
          opts.log.error({ err, key, controller: r.name }, 'terminal reconcile error');
        else {
          opts.log.warn({ err, key, controller: r.name }, 'reconcile failed; retrying');
          queue.addRateLimited(key);
        }
      } finally {
        queue.done(key);
      }
    }
  };
  const workers = Array.from({ length: opts.workers }, worker);
  const resync = async () => {
    if (!r.listKeys) return;
    try {
      for (const k of await r.listKeys()) queue.add(k);
    } catch (err) {
      opts.log.warn({ err, controller: r.name }, 'resync failed');
    }
  };
  void resync();
  const timer = opts.resyncMs > 0 ? setInterval(() => void resync(), opts.resyncMs) : undefined;
  timer?.unref();
  return {
    queue,
    async stop() {
      unwatch?.();
      if (timer) clearInterval(timer);
      abort.abort();
      queue.close();
      await Promise.all(workers);
    },
  };
}
