import { ConflictError, InputError, NotFoundError } from '../../common/errors.js';

/** neutron_lib's address scope exceptions, with their messages (the code's tail names the type). */
export const addressScopeNotFound = (id: string) =>
  new NotFoundError('network.address_scope.not_found', `Address scope ${id} could not be found.`);

export const addressScopeInUse = (id: string) =>
  new ConflictError(
    'network.address_scope.in_use',
    `Unable to complete operation on address scope ${id}. There are one or more subnet pools in use on the address scope.`,
  );

export const addressScopeUpdateError = (id: string, reason: string) =>
  new InputError('network.address_scope_update.error', `Unable to update address scope ${id} : ${reason}.`);
