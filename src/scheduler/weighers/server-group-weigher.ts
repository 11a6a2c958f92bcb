import type { HostWeigher } from '../pipeline.js';

/** Soft policies: prefer hosts with (soft-affinity) or without (soft-anti-affinity) members. */
export const serverGroupWeigher: HostWeigher = {
  name: 'server-group',
  multiplier: 2,
  weigh: (h, req) => {
    const g = req.group;
    if (g === undefined) return 0;
    const here = g.membersByHost.get(h.hostname) ?? 0;
    if (g.policy === 'soft-affinity') return here;
    if (g.policy === 'soft-anti-affinity') return -here;
    return 0;
  },
};
