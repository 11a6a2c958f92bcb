import type { HostFilter } from './host-filter.js';

/** Skips hosts the operator disabled and hosts whose agent stopped heartbeating. */
export const hostStateFilter: HostFilter = {
  name: 'host-state',
  forRequest: () => (h) => (!h.enabled ? 'disabled' : !h.up ? 'down' : undefined),
};
