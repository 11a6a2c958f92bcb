import type { HostFilter } from './host-filter.js';

/**
 * Keeps hosts with every required trait (the image's workload kind and explicit
 * `trait:X=required`) and none of the forbidden ones (`trait:X=forbidden`, placement's `!X`).
 */
export const traitsFilter: HostFilter = {
  name: 'traits',
  forRequest: (req) => {
    const required = req.requiredTraits;
    const forbidden = req.forbiddenTraits ?? [];
    if (required.length === 0 && forbidden.length === 0) return undefined;
    const missing = required.map((t) => `without trait ${t}`);
    const unwanted = forbidden.map((t) => `with forbidden trait ${t}`);
    return (h) => {
      for (let i = 0; i < required.length; i++) if (!h.traits.has(required[i]!)) return missing[i];
      for (let i = 0; i < forbidden.length; i++) if (h.traits.has(forbidden[i]!)) return unwanted[i];
      return undefined;
    };
  },
};
