import { ConflictError, InputError, NotFoundError } from '../common/errors.js';

/** Placement's error codes (placement/errors.py); anything else renders as `placement.undefined_code`. */
export const placementCodes = {
  undefined: 'placement.undefined_code',
  concurrentUpdate: 'placement.concurrent_update',
  inventoryInUse: 'placement.inventory.inuse',
  duplicateName: 'placement.duplicate_name',
  providerInUse: 'placement.resource_provider.inuse',
  cannotDeleteParent: 'placement.resource_provider.cannot_delete_parent',
  providerNotFound: 'placement.resource_provider.not_found',
  duplicateQueryKey: 'placement.query.duplicate_key',
  badQueryValue: 'placement.query.bad_value',
  missingQueryValue: 'placement.query.missing_value',
} as const;

/** Why an allocation write was refused; the scheduler retries only `generation` and `race`. */
export type AllocationConflictReason =
  'capacity' | 'constraints' | 'no_inventory' | 'provider_generation' | 'consumer_generation' | 'race';

/**
 * A 409 from an allocation write. `code` is what Placement sends (concurrent_update for
 * generation conflicts, undefined_code otherwise); `reason` tells in-process callers why.
 */
export class AllocationConflictError extends ConflictError {
  constructor(
    readonly reason: AllocationConflictReason,
    message: string,
  ) {
    const generational =
      reason === 'provider_generation' || reason === 'consumer_generation' || reason === 'race';
    super(generational ? placementCodes.concurrentUpdate : placementCodes.undefined, message);
  }
}

export function badRequest(message: string): InputError {
  return new InputError(placementCodes.undefined, message);
}

export function notFound(message: string): NotFoundError {
  return new NotFoundError(placementCodes.undefined, message);
}

export function conflict(code: string, message: string): ConflictError {
  return new ConflictError(code, message);
}

export function generationConflict(what = 'resource provider'): ConflictError {
  return new ConflictError(
    placementCodes.concurrentUpdate,
    `${what} generation conflict. Please update the generation and try again.`,
  );
}

export function providerNotFound(uuid: string): NotFoundError {
  return notFound(`No resource provider with uuid ${uuid} found`);
}

export function badQuery(message: string): InputError {
  return new InputError(placementCodes.badQueryValue, message);
}
