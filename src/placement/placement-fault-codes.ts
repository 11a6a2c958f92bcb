import type { FaultDialect } from '../common/faults/fault-dialect.js';
import { placementFault } from '../common/faults/placement-fault.js';
import { placementCodes } from './placement-errors.js';

/**
 * Placement's fault format, with Strata's shared-plumbing codes (validation, routing,
 * microversion) shown as `placement.undefined_code`, the code Placement gives them.
 */
export const placementServiceFault: FaultDialect = (err, requestId) => {
  const rendered = placementFault(err, requestId);
  if (err.code.startsWith('placement.')) return rendered;
  const body = rendered.body as { errors: Array<Record<string, unknown>> };
  return {
    ...rendered,
    body: { errors: body.errors.map((e) => ({ ...e, code: placementCodes.undefined })) },
  };
};
