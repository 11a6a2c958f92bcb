import {
  ethertypeConflictWithProtocol,
  invalidIcmpValue,
  invalidPortRange,
  invalidPortValue,
  invalidProtocolForPort,
  missingIcmpType,
  multipleRemoteEntities,
  protocolRequiredWithPorts,
  ruleParameterConflict,
} from './security-group-errors.js';
import {
  canonicalIpv6Icmp,
  isIpv6Only,
  portProtocols,
  prefixVersion,
  protocolNumber,
} from './security-group-protocols.js';

/** A rule as asked for, after the attribute map's converters. */
export interface RuleRequest {
  readonly direction: 'ingress' | 'egress';
  readonly ethertype: 'IPv4' | 'IPv6';
  readonly protocol: string | null;
  readonly port_range_min: number | null;
  readonly port_range_max: number | null;
  readonly remote_ip_prefix: string | null;
  readonly remote_group_id: string | null;
  /** An address group (security-groups-remote-address-group); absent is none. */
  readonly remote_address_group_id?: string | null;
}

/**
 * Neutron's _validate_security_group_rule, in its order: IPv6 ICMP names made canonical,
 * the whole port range dropped, port range, prefix against ethertype, IPv6-only protocols,
 * then at most one remote. Returns the rule as it will be stored.
 */
export function canonicalRule(input: RuleRequest): RuleRequest {
  let rule: RuleRequest = { ...input, protocol: canonicalIpv6Icmp(input.protocol, input.ethertype) };
  if (rule.port_range_min === 1 && rule.port_range_max === 65535)
    rule = { ...rule, port_range_min: null, port_range_max: null };
  validatePortRange(rule);
  if (rule.remote_ip_prefix !== null && `IPv${prefixVersion(rule.remote_ip_prefix)}` !== rule.ethertype)
    throw ruleParameterConflict(rule.ethertype, rule.remote_ip_prefix);
  if (rule.protocol !== null && rule.ethertype === 'IPv4' && isIpv6Only(rule.protocol))
    throw ethertypeConflictWithProtocol(rule.ethertype, rule.protocol);
  const remotes = [rule.remote_ip_prefix, rule.remote_group_id, rule.remote_address_group_id ?? null];
  if (remotes.filter((r) => r !== null && r !== '').length > 1) throw multipleRemoteEntities();
  return rule;
}

function validatePortRange(rule: RuleRequest): void {
  const { port_range_min: min, port_range_max: max } = rule;
  if (min === null && max === null) return;
  if (rule.protocol === null) throw protocolRequiredWithPorts();
  const proto = protocolNumber(rule.protocol);
  if (portProtocols.has(proto)) {
    if (min === 0 || max === 0) throw invalidPortValue(0);
    if (min === null || max === null || min > max) throw invalidPortRange();
  } else if (proto === 1 || proto === 58) {
    for (const [value, attr, field] of [
      [min, 'port_range_min', 'type'],
      [max, 'port_range_max', 'code'],
    ] as const)
      if (value !== null && value > 255) throw invalidIcmpValue(field, attr, value);
    if (min === null && max !== null) throw missingIcmpType(max);
  } else throw invalidProtocolForPort(proto);
}

/**
 * Neutron's _rule_to_key: two rules are the same when these agree, with any-address
 * prefixes counting as none and a protocol compared by name and number together.
 */
export function ruleKey(rule: RuleRequest & { readonly security_group_id: string }): string {
  const none = '+';
  const prefix =
    rule.remote_ip_prefix === null ||
    rule.remote_ip_prefix === '0.0.0.0/0' ||
    rule.remote_ip_prefix === '::/0'
      ? none
      : rule.remote_ip_prefix;
  const protocol =
    rule.protocol === null ? none : String(protocolNumber(canonicalIpv6Icmp(rule.protocol, rule.ethertype)!));
  return [
    rule.direction,
    rule.ethertype,
    rule.port_range_max ?? none,
    rule.port_range_min ?? none,
    protocol,
    rule.remote_group_id ?? none,
    rule.remote_address_group_id ?? none,
    prefix,
    rule.security_group_id,
  ].join('_');
}
