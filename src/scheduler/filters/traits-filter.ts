import type { HostFilter } from '../pipeline.js';

/** Keeps hosts with every required trait: the image's workload kind and explicit requirements. */
export const traitsFilter: HostFilter = {
  name: 'traits',
  forRequest: (req) => {
    const required = req.requiredTraits;
    if (required.length === 0) return undefined;
    const reasons = required.map((t) => `without trait ${t}`);
    return (h) => {
      for (let i = 0; i < required.length; i++) if (!h.traits.has(required[i]!)) return reasons[i];
      return undefined;
    };
  },
};
