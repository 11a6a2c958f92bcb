import { free } from '../host-view.js';
import type { HostFilter } from '../pipeline.js';

/** Keeps hosts with room for every requested resource class, within its max_unit. */
export const resourcesFilter: HostFilter = {
  name: 'resources',
  check: (h, req) => {
    for (const [rc, amount] of Object.entries(req.resources)) {
      if (amount <= 0) continue;
      if (free(h, rc) < amount || (h.maxUnit[rc] ?? Infinity) < amount)
        return { pass: false, reason: `lacking ${rc}` };
    }
    return { pass: true };
  },
};
