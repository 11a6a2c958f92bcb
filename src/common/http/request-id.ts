import { randomUUID } from 'node:crypto';

export const requestIdHeader = 'x-openstack-request-id';

/** OpenStack request ids look like `req-<uuid>`; a valid incoming one is kept (global request id). */
export function newRequestId(incoming: string | string[] | undefined): string {
  const v = Array.isArray(incoming) ? incoming[0] : incoming;
  if (v !== undefined && /^req-[0-9a-f-]{36}$/.test(v)) return v;
  return `req-${randomUUID()}`;
}
