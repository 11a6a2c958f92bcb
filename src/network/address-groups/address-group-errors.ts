import { ConflictError, InputError, NotFoundError } from '../../common/errors.js';
import { pyRepr } from '../network-attributes.js';

/** neutron_lib's address group exceptions, with their messages (the code's tail names the type). */
export const addressGroupNotFound = (id: string) =>
  new NotFoundError('network.address_group.not_found', `Address group ${id} could not be found.`);

export const addressGroupInUse = (id: string) =>
  new ConflictError(
    'network.address_group.in_use',
    `Address group ${id} is in use on one or more security group rules.`,
  );

/** Neutron prints the addresses as a Python list. */
export const addressesNotFound = (id: string, addresses: ReadonlyArray<string>) =>
  new NotFoundError(
    'network.addresses.not_found',
    `Addresses ${pyRepr(addresses)} not found in the address group ${id}.`,
  );

export const addressesAlreadyExist = (id: string, addresses: ReadonlyArray<string>) =>
  new InputError(
    'network.addresses_already.exist',
    `Addresses ${pyRepr(addresses)} already exist in the address group ${id}.`,
  );
