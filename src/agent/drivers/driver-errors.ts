/**
 * A create that failed for a reason of this host (a resource gone, a flaky tool), not of
 * the request: another host may succeed, so the control plane reschedules the build, as
 * Nova's compute manager turns such failures into RescheduledException.
 */
export class TransientDriverError extends Error {
  readonly retryable = true;
}

/** Whether a failure is worth another host; checked by shape so it survives module copies. */
export function isRetryable(err: unknown): boolean {
  return err instanceof Error && (err as { retryable?: unknown }).retryable === true;
}
