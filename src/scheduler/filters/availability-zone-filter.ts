import type { HostFilter } from '../pipeline.js';

/** Keeps hosts in the requested availability zone (any zone when none is requested). */
export const availabilityZoneFilter: HostFilter = {
  name: 'availability-zone',
  check: (h, req) =>
    req.availabilityZone === undefined || h.availabilityZone === req.availabilityZone
      ? { pass: true }
      : { pass: false, reason: `not in zone ${req.availabilityZone}` },
};
