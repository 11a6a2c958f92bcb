import { ConflictError, InputError, NotFoundError } from '../../common/errors.js';

/**
 * Neutron's security group faults (neutron/extensions/securitygroup.py). The code's last
 * two parts spell the exception class, e.g. `security_group.in_use` → SecurityGroupInUse.
 */
export const securityGroupNotFound = (id: string) =>
  new NotFoundError('network.security_group.not_found', `Security group ${id} does not exist`);
export const ruleNotFound = (id: string) =>
  new NotFoundError('network.security_group_rule.not_found', `Security group rule ${id} does not exist`);

export const securityGroupInUse = (id: string) =>
  new ConflictError('network.security_group.in_use', `Security Group ${id} in use.`);
export const cannotRemoveDefault = () =>
  new ConflictError(
    'network.security_group.cannot_remove_default',
    'Insufficient rights for removing default security group.',
  );
export const cannotUpdateDefault = () =>
  new ConflictError(
    'network.security_group.cannot_update_default',
    'Updating default security group not allowed.',
  );
export const defaultAlreadyExists = () =>
  new ConflictError(
    'network.security_group.default_already_exists',
    'Default security group already exists.',
  );
export const ruleExists = (ruleId: string) =>
  new ConflictError(
    'network.security_group_rule.exists',
    `Security group rule already exists. Rule id is ${ruleId}.`,
  );
export const securityGroupConflict = (reason: string) =>
  new ConflictError('network.security_group.conflict', `Error ${reason} while attempting the operation.`);

const bad = (type: string, message: string) => new InputError(`network.${type}`, message);

export const invalidProtocol = (protocol: unknown, values: string) =>
  bad(
    'security_group_rule.invalid_protocol',
    `Security group rule protocol ${String(protocol)} not supported. Only protocol values ${values} and integer representations [0 to 255] are supported.`,
  );
export const invalidEtherType = (ethertype: unknown) =>
  bad(
    'security_group_rule.invalid_ether_type',
    `Security group rule for ethertype '${String(ethertype)}' not supported. Allowed values are ['IPv4', 'IPv6'].`,
  );
export const invalidPortValue = (port: unknown) =>
  bad('security_group.invalid_port_value', `Invalid value for port ${String(port)}`);
export const invalidPortRange = () =>
  bad('security_group.invalid_port_range', 'For TCP/UDP protocols, port_range_min must be <= port_range_max');
export const invalidProtocolForPort = (protocol: number | string) =>
  bad(
    'security_group.invalid_protocol_for_port',
    `Ports cannot be specified for protocol ${protocol}. Ports are only supported for DCCP, SCTP, TCP, UDP, UDPLITE.`,
  );
export const invalidIcmpValue = (field: string, attr: string, value: number) =>
  bad(
    'security_group.invalid_icmp_value',
    `Invalid value for ICMP ${field} (${attr}) ${value}. It must be 0 to 255.`,
  );
export const missingIcmpType = (value: number) =>
  bad(
    'security_group.missing_icmp_type',
    `ICMP code (port-range-max) ${value} is provided but ICMP type (port-range-min) is missing.`,
  );
export const protocolRequiredWithPorts = () =>
  bad('security_group.protocol_required_with_ports', 'Must also specify protocol if port range is given.');
export const ethertypeConflictWithProtocol = (ethertype: string, protocol: string) =>
  bad(
    'security_group.ethertype_conflict_with_protocol',
    `Invalid ethertype ${ethertype} for protocol ${protocol}.`,
  );
export const multipleRemoteEntities = () =>
  bad(
    'security_group.multiple_remote_entites',
    'Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.',
  );
export const ruleParameterConflict = (ethertype: string, cidr: string) =>
  bad('security_group_rule.parameter_conflict', `Conflicting value ethertype ${ethertype} for CIDR ${cidr}`);
export const invalidCidr = (input: unknown) =>
  bad('invalid.c_i_d_r', `Invalid CIDR ${String(input)} given as IP prefix.`);

/** neutron_lib's port security faults, raised by ML2 when groups meet a port without port security. */
export const portSecurityRequired = () =>
  bad(
    'port_security.and_i_p_required_for_security_groups',
    'Port security must be enabled and port must have an IP address in order to use security groups.',
  );
export const portHasSecurityGroup = () =>
  new ConflictError(
    'network.port_security.port_has_security_group',
    'Port has security group associated. Cannot disable port security or IP address until security group is removed.',
  );
