import { free } from '../host-view.js';
import type { HostFilter } from '../pipeline.js';

/** Keeps hosts with room for every requested resource class, within its max_unit. */
export const resourcesFilter: HostFilter = {
  name: 'resources',
  forRequest: (req) => {
    const asked = Object.entries(req.resources).filter(([, amount]) => amount > 0);
    const reasons = asked.map(([rc]) => `lacking ${rc}`);
    return (h) => {
      for (let i = 0; i < asked.length; i++) {
        const [rc, amount] = asked[i]!;
        if (free(h, rc) < amount || (h.maxUnit[rc] ?? Infinity) < amount) return reasons[i];
      }
      return undefined;
    };
  },
};
