import type { HostWeigher } from './host-weigher.js';

/** Soft policies: prefer hosts with (soft-affinity) or without (soft-anti-affinity) members. */
export const serverGroupWeigher: HostWeigher = {
  name: 'server-group',
  multiplier: 2,
  forRequest: (req) => {
    const g = req.group;
    if (g?.policy === 'soft-affinity') return (h) => g.membersByHost.get(h.hostname) ?? 0;
    if (g?.policy === 'soft-anti-affinity') return (h) => -(g.membersByHost.get(h.hostname) ?? 0);
    return undefined;
  },
};
