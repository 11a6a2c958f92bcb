import { ConflictError, ForbiddenError, InputError, NotFoundError } from '../common/errors.js';

/**
 * Neutron's faults. The code's last two parts spell the exception class Neutron names in
 * `NeutronError.type` (common/faults/neutron-fault.ts), so a code is chosen for its type.
 */
export const networkNotFound = (id: string) =>
  new NotFoundError('network.network.not_found', `Network ${id} could not be found.`);
export const subnetNotFound = (id: string) =>
  new NotFoundError('network.subnet.not_found', `Subnet ${id} could not be found.`);
export const portNotFound = (id: string) =>
  new NotFoundError('network.port.not_found', `Port ${id} could not be found.`);

/** neutron_lib's InvalidInput. */
export const invalidInput = (reason: string) =>
  new InputError('network.invalid.input', `Invalid input for operation: ${reason}.`);

/** webob's HTTPBadRequest, which Neutron's API layer raises for attribute errors. */
export const httpBadRequest = (message: string) => new InputError('network.h_t_t_p.bad_request', message);

/** neutron_lib's BadRequest: 'Bad <resource> request: <msg>.' */
export const badRequest = (resource: string, msg: string) =>
  new InputError('network.bad.request', `Bad ${resource} request: ${msg}.`);

export const policyNotAuthorized = (rule: string) =>
  new ForbiddenError('network.policy.not_authorized', `${rule} is disallowed by policy`);

export const networkInUse = (id: string) =>
  new ConflictError(
    'network.network.in_use',
    `Unable to complete operation on network ${id}. There are one or more ports still in use on the network.`,
  );
export const subnetInUse = (id: string) =>
  new ConflictError(
    'network.subnet.in_use',
    `Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`,
  );

export const ipAlreadyAllocated = (ip: string, subnetId: string) =>
  new ConflictError(
    'network.ip_address.already_allocated',
    `IP address ${ip} already allocated in subnet ${subnetId}`,
  );
export const ipGenerationFailure = (networkId: string) =>
  new ConflictError(
    'network.ip_address.generation_failure',
    `No more IP addresses available on network ${networkId}.`,
  );
export const invalidIpForSubnet = (ip: string) =>
  new InputError(
    'network.invalid_ip.for_subnet',
    `IP address ${ip} is not a valid IP for the specified subnet.`,
  );
export const invalidIpForNetwork = (ip: string) =>
  new InputError(
    'network.invalid_ip.for_network',
    `IP address ${ip} is not a valid IP for any of the subnets on the specified network.`,
  );
export const macAddressInUse = (networkId: string, mac: string) =>
  new ConflictError(
    'network.mac_address.in_use',
    `Unable to complete operation for network ${networkId}. The mac address ${mac} is in use.`,
  );

export const invalidAllocationPool = (pool: string) =>
  new InputError('network.invalid.allocation_pool', `The allocation pool ${pool} is not valid.`);
export const outOfBoundsAllocationPool = (pool: string, cidr: string) =>
  new InputError(
    'network.out_of_bounds.allocation_pool',
    `The allocation pool ${pool} spans beyond the subnet cidr ${cidr}.`,
  );
export const overlappingAllocationPools = (a: string, b: string, cidr: string) =>
  new ConflictError(
    'network.overlapping.allocation_pools',
    `Found overlapping allocation pools: ${a} ${b} for subnet ${cidr}.`,
  );
export const gatewayConflictWithPools = (ip: string, pool: string) =>
  new ConflictError(
    'network.gateway_conflict_with.allocation_pools',
    `Gateway ip ${ip} conflicts with allocation pool ${pool}.`,
  );
export const dnsNameserversExhausted = (subnetId: string, quota: number) =>
  new InputError(
    'network.d_n_s_name_servers.exhausted',
    `Unable to complete operation for ${subnetId}. The number of DNS nameservers exceeds the limit ${quota}.`,
  );
export const hostRoutesExhausted = (subnetId: string, quota: number) =>
  new InputError(
    'network.host_routes.exhausted',
    `Unable to complete operation for ${subnetId}. The number of host routes exceeds the limit ${quota}.`,
  );

export const vlanIdInUse = (vlan: number, physnet: string) =>
  new ConflictError(
    'network.vlan_id.in_use',
    `Unable to create the network. The VLAN ${vlan} on physical network ${physnet} is in use.`,
  );
export const tunnelIdInUse = (id: number) =>
  new ConflictError(
    'network.tunnel_id.in_use',
    `Unable to create the network. The tunnel ID ${id} is in use.`,
  );
export const invalidSharedSetting = (id: string) =>
  new ConflictError(
    'network.invalid.shared_setting',
    `Unable to reconfigure sharing settings for network ${id}. Multiple tenants are using it.`,
  );
export const flatNetworkInUse = (physnet: string) =>
  new ConflictError(
    'network.flat_network.in_use',
    `Unable to create the flat network. Physical network ${physnet} is in use.`,
  );
