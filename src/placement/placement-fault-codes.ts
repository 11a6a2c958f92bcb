import type { FaultDialect } from '../common/faults/fault-dialect.js';
import { placementFault } from '../common/faults/placement-fault.js';
import { atLeast } from '../common/http/microversion.js';
import { placementCodes } from './placement-errors.js';

/**
 * Placement's fault format. The `code` field exists from 1.23, and not at all when the
 * error came before a version was negotiated; Strata's shared-plumbing codes (validation,
 * routing, microversion) show as `placement.undefined_code`, the code Placement gives them.
 */
export const placementServiceFault: FaultDialect = (err, requestId, microversion) => {
  const rendered = placementFault(err, requestId);
  const withCode = atLeast(microversion, [1, 23]);
  const code = err.code.startsWith('placement.') ? err.code : placementCodes.undefined;
  const body = rendered.body as { errors: Array<Record<string, unknown>> };
  return {
    ...rendered,
    body: {
      errors: body.errors.map(({ code: _dropped, ...e }) => (withCode ? { ...e, code } : e)),
    },
  };
};
