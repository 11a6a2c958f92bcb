import type { HostFilter } from './host-filter.js';

/** Skips hosts a rescheduled build already failed on (Nova's RetryFilter, ignore_hosts). */
export const retryFilter: HostFilter = {
  name: 'retry',
  forRequest: (req) => {
    if (req.ignoreHosts === undefined || req.ignoreHosts.length === 0) return undefined;
    const tried = new Set(req.ignoreHosts);
    return (h) => (tried.has(h.hostname) ? 'already tried' : undefined);
  },
};
