import type { HostFilter } from '../pipeline.js';

/** Hard server-group policies: affinity keeps members together, anti-affinity apart. */
export const serverGroupFilter: HostFilter = {
  name: 'server-group',
  check: (h, req) => {
    const g = req.group;
    if (g === undefined) return { pass: true };
    const here = g.membersByHost.get(h.hostname) ?? 0;
    if (g.policy === 'anti-affinity' && here >= g.maxPerHost)
      return { pass: false, reason: 'holding a member of the anti-affinity group' };
    if (g.policy === 'affinity' && g.membersByHost.size > 0 && here === 0)
      return { pass: false, reason: 'not holding the affinity group' };
    return { pass: true };
  },
};
