import { ConflictError, InputError, NotFoundError } from '../../common/errors.js';

/** neutron_lib's subnet pool exceptions, with their messages (the code's tail names the type). */
export const subnetPoolNotFound = (id: string) =>
  new NotFoundError('network.subnet_pool.not_found', `Subnet pool ${id} could not be found.`);

export const emptyPrefixList = () =>
  new InputError('network.empty_subnet_pool_prefix.list', 'Empty subnet pool prefix list.');

export const prefixVersionMismatch = () =>
  new InputError('network.prefix_version.mismatch', 'Cannot mix IPv4 and IPv6 prefixes in a subnet pool.');

export const unsupportedMinPrefix = (prefix: number, version: number) =>
  new InputError(
    'network.unsupported_min_subnet_pool.prefix',
    `Prefix '${prefix}' not supported in IPv${version} pool.`,
  );

export const illegalPrefixBounds = (type: string, prefixlen: number, baseType: string, base: number) =>
  new InputError(
    'network.illegal_subnet_pool_prefix.bounds',
    `Illegal prefix bounds: ${type}=${prefixlen}, ${baseType}=${base}.`,
  );

export const illegalPrefixUpdate = (msg: string) =>
  new InputError('network.illegal_subnet_pool_prefix.update', `Illegal update to prefixes: ${msg}.`);

export const illegalSubnetPoolUpdate = (reason: string) =>
  new InputError('network.illegal_subnet_pool.update', `Illegal subnetpool update : ${reason}.`);

export const subnetPoolDeleteError = (reason: string) =>
  new InputError('network.subnet_pool_delete.error', `Unable to delete subnet pool: ${reason}.`);

export const illegalScopeAssociation = (poolId: string, scopeId: string) =>
  new InputError(
    'network.illegal_subnet_pool_association_to_address.scope',
    `Illegal subnetpool association: subnetpool ${poolId} cannot be associated with address scope ${scopeId}.`,
  );

export const illegalScopeVersion = (poolId: string, scopeId: string, version: number) =>
  new InputError(
    'network.illegal_subnet_pool_ip_version_association_to_address.scope',
    `Illegal subnetpool association: subnetpool ${poolId} cannot associate with address scope ${scopeId} because subnetpool ip_version is not ${version}.`,
  );

export const addressScopePrefixConflict = () =>
  new ConflictError(
    'network.address_scope_prefix.conflict',
    'Failed to associate address scope: subnetpools within an address scope must have unique prefixes.',
  );

/**
 * SubnetAllocationError. Neutron leaves this NeutronException unmapped (it surfaces as a
 * 500); it is a conflict with the pool's state, so Strata answers 409 with Neutron's type
 * and message.
 */
export const subnetAllocationError = (reason: string) =>
  new ConflictError('network.subnet_allocation.error', `Failed to allocate subnet: ${reason}.`);

export const minPrefixAllocationError = (prefixlen: number, min: number) =>
  new InputError(
    'network.min_prefix_subnet_allocation.error',
    `Unable to allocate subnet with prefix length ${prefixlen}, minimum allowed prefix is ${min}.`,
  );

export const maxPrefixAllocationError = (prefixlen: number, max: number) =>
  new InputError(
    'network.max_prefix_subnet_allocation.error',
    `Unable to allocate subnet with prefix length ${prefixlen}, maximum allowed prefix is ${max}.`,
  );

/** OverQuota's SubnetPoolQuotaExceeded (409). */
export const subnetPoolQuotaExceeded = () =>
  new ConflictError('network.subnet_pool_quota.exceeded', 'Per-tenant subnet pool prefix quota exceeded.');

export const networkSubnetPoolAffinityError = () =>
  new InputError(
    'network.network_subnet_pool_affinity.error',
    'Subnets hosted on the same network must be allocated from the same subnet pool.',
  );

export const networkAddressScopeAffinityError = () =>
  new InputError(
    'network.network_address_scope_affinity.error',
    'Subnets of the same address family hosted on the same network must all participate in the same address scope.',
  );
