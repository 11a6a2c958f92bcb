import type { HostFilter } from './host-filter.js';

/** Keeps hosts in the requested availability zone (any zone when none is requested). */
export const availabilityZoneFilter: HostFilter = {
  name: 'availability-zone',
  forRequest: (req) => {
    const zone = req.availabilityZone;
    if (zone === undefined) return undefined;
    const reason = `not in zone ${zone}`;
    return (h) => (h.availabilityZone === zone ? undefined : reason);
  },
};
