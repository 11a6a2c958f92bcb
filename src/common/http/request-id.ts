import { randomUUID } from 'node:crypto';

export const requestIdHeader = 'x-openstack-request-id';

/** Every request gets its own `req-<uuid>`, whatever the client sent (oslo's local request id). */
export function newRequestId(): string {
  return `req-${randomUUID()}`;
}

/**
 * A valid incoming id names the caller's request (oslo's global request id): it is logged
 * beside the local one, so one user action can be followed across services.
 */
export function globalRequestId(incoming: string | string[] | undefined): string | undefined {
  const v = Array.isArray(incoming) ? incoming[0] : incoming;
  return v !== undefined && /^req-[0-9a-f-]{36}$/.test(v) ? v : undefined;
}
