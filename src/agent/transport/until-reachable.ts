import type { Logger } from 'pino';
import { setTimeout as delay } from 'node:timers/promises';

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/**
 * Whether a control-plane call failed because the control plane is not there (yet): a
 * connection that could not be made, or a 502/503/504 from a proxy or a starting service.
 * Anything else (a refused credential, a bad request) will not heal by waiting.
 */
export function isUnreachable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  if (err instanceof TypeError && err.message === 'fetch failed') return true;
  if (typeof code === 'string' && networkCodes.has(code)) return true;
  return /(?:^|: )(?:failed: )?50[234]\b/.test(err.message);
}

export interface UntilReachableOptions {
  readonly log: Pick<Logger, 'warn'>;
  readonly signal?: AbortSignal;
  /** Waits between tries; the last one repeats. */
  readonly delaysMs?: ReadonlyArray<number>;
}

/**
 * Calls `call` until it succeeds, waiting while the control plane is unreachable, so an agent
 * started before (or while a kill -9 restarts) its control plane comes up by itself.
 */
export async function untilReachable<T>(
  what: string,
  call: () => Promise<T>,
  o: UntilReachableOptions,
): Promise<T> {
  const delays = o.delaysMs ?? [500, 1000, 2000, 5000, 10_000];
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isUnreachable(err) || o.signal?.aborted) throw err;
      const wait = delays[Math.min(attempt, delays.length - 1)]!;
      o.log.warn(
        { err: (err as Error).message, attempt: attempt + 1, retryInMs: wait },
        `${what}: control plane unreachable`,
      );
      await delay(wait, undefined, o.signal && { signal: o.signal });
    }
  }
}
