import { useEffect, useState } from 'preact/hooks';
import { errorText } from './api.js';

export interface Polled<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  /** Asks again now (after an action), without waiting for the next tick. */
  readonly refresh: () => void;
}

/**
 * Loads `load()` and, when `everyMs` is set, again on that period: the pages stay live
 * without reloads. A result that comes back after its inputs changed is dropped.
 */
export function usePoll<T>(load: () => Promise<T>, deps: unknown[], everyMs?: number): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && (setData(d), setError(undefined)),
      (err: unknown) => live && setError(errorText(err)),
    );
    const timer = everyMs === undefined ? undefined : setTimeout(() => setTick((n) => n + 1), everyMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { data, error, refresh: () => setTick((n) => n + 1) };
}
