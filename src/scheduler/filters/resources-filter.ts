import { free } from '../host-view.js';
import type { HostFilter } from './host-filter.js';

/**
 * Keeps hosts with room for every requested resource class, within its unit constraints
 * (max_unit, min_unit, step_size), as placement's allocation candidates do: placement would
 * refuse any other claim, and the server would go round again for nothing.
 */
export const resourcesFilter: HostFilter = {
  name: 'resources',
  forRequest: (req) => {
    const asked = Object.entries(req.resources).filter(([, amount]) => amount > 0);
    const reasons = asked.map(([rc]) => `lacking ${rc}`);
    return (h) => {
      for (let i = 0; i < asked.length; i++) {
        const [rc, amount] = asked[i]!;
        if (free(h, rc) < amount || (h.maxUnit[rc] ?? Infinity) < amount) return reasons[i];
        if (h.minUnit !== undefined && (h.minUnit[rc] ?? 1) > amount) return reasons[i];
        if (h.stepSize !== undefined && amount % (h.stepSize[rc] ?? 1) !== 0) return reasons[i];
      }
      return undefined;
    };
  },
};
