import type { HostFilter } from '../pipeline.js';

/** Skips hosts the operator disabled and hosts whose agent stopped heartbeating. */
export const hostStateFilter: HostFilter = {
  name: 'host-state',
  check: (h) =>
    !h.enabled
      ? { pass: false, reason: 'disabled' }
      : !h.up
        ? { pass: false, reason: 'down' }
        : { pass: true },
};
