import type { HostFilter } from './host-filter.js';

/** Hard server-group policies: affinity keeps members together, anti-affinity apart. */
export const serverGroupFilter: HostFilter = {
  name: 'server-group',
  forRequest: (req) => {
    const g = req.group;
    if (g?.policy === 'anti-affinity') {
      return (h) =>
        (g.membersByHost.get(h.hostname) ?? 0) >= g.maxPerHost
          ? 'holding a member of the anti-affinity group'
          : undefined;
    }
    if (g?.policy === 'affinity' && g.membersByHost.size > 0) {
      return (h) => (g.membersByHost.has(h.hostname) ? undefined : 'not holding the affinity group');
    }
    return undefined;
  },
};
