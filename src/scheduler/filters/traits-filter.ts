import type { HostFilter } from '../pipeline.js';

/** Keeps hosts with every required trait: the image's workload kind and explicit requirements. */
export const traitsFilter: HostFilter = {
  name: 'traits',
  check: (h, req) => {
    const missing = req.requiredTraits.find((t) => !h.traits.has(t));
    return missing === undefined ? { pass: true } : { pass: false, reason: `without trait ${missing}` };
  },
};
