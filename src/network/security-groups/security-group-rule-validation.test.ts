import { describe, expect, it } from 'vitest';
import type { RuleRequest } from './security-group-rule-validation.js';
import { canonicalRule, ruleKey } from './security-group-rule-validation.js';

const rule = (over: Partial<RuleRequest>): RuleRequest => ({
  direction: 'ingress',
  ethertype: 'IPv4',
  protocol: null,
  port_range_min: null,
  port_range_max: null,
  remote_ip_prefix: null,
  remote_group_id: null,
  ...over,
});

describe('security-group-rule-validation', () => {
  it('rewrites IPv6 icmp names and numbers to ipv6-icmp', () => {
    expect(canonicalRule(rule({ ethertype: 'IPv6', protocol: 'icmp' })).protocol).toBe('ipv6-icmp');
    expect(canonicalRule(rule({ ethertype: 'IPv6', protocol: 'icmpv6' })).protocol).toBe('ipv6-icmp');
    expect(canonicalRule(rule({ ethertype: 'IPv6', protocol: '1' })).protocol).toBe('58');
    expect(canonicalRule(rule({ ethertype: 'IPv4', protocol: 'icmp' })).protocol).toBe('icmp');
  });

  it('drops a port range covering every port', () => {
    const r = canonicalRule(rule({ protocol: 'tcp', port_range_min: 1, port_range_max: 65535 }));
    expect([r.port_range_min, r.port_range_max]).toEqual([null, null]);
  });

  it('checks port ranges per protocol family', () => {
    expect(() => canonicalRule(rule({ protocol: 'udp', port_range_min: 9, port_range_max: 8 }))).toThrow(
      'port_range_min must be <= port_range_max',
    );
    expect(() => canonicalRule(rule({ protocol: '6', port_range_min: 5 }))).toThrow('port_range_min must be');
    expect(() => canonicalRule(rule({ protocol: 'icmp', port_range_max: 300, port_range_min: 1 }))).toThrow(
      'Invalid value for ICMP code (port_range_max) 300',
    );
    expect(() => canonicalRule(rule({ protocol: 'vrrp', port_range_min: 1 }))).toThrow(
      'Ports cannot be specified for protocol 112',
    );
    expect(
      canonicalRule(rule({ protocol: 'icmp', port_range_min: 0, port_range_max: 0 })).port_range_min,
    ).toBe(0);
  });

  it('refuses a prefix of the other IP version and IPv6 protocols on IPv4', () => {
    expect(() => canonicalRule(rule({ remote_ip_prefix: '::/0' }))).toThrow(
      'Conflicting value ethertype IPv4',
    );
    expect(() => canonicalRule(rule({ protocol: '58' }))).toThrow('Invalid ethertype IPv4 for protocol 58.');
  });

  it('treats any-address prefixes as none and names like numbers when comparing rules', () => {
    const a = ruleKey({
      ...rule({ remote_ip_prefix: '0.0.0.0/0', protocol: 'tcp' }),
      security_group_id: 'g',
    });
    const b = ruleKey({ ...rule({ protocol: '6' }), security_group_id: 'g' });
    expect(a).toBe(b);
    const c = ruleKey({ ...rule({ protocol: 'udp' }), security_group_id: 'g' });
    expect(c).not.toBe(b);
    const v6 = (p: string) =>
      ruleKey({ ...rule({ ethertype: 'IPv6', protocol: p }), security_group_id: 'g' });
    expect(v6('icmp')).toBe(v6('ipv6-icmp'));
  });

  it('allows one remote of prefix, group and address group, and tells rules apart by address group', () => {
    const many =
      'Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.';
    expect(() => canonicalRule(rule({ remote_group_id: 'g', remote_address_group_id: 'a' }))).toThrow(many);
    expect(() =>
      canonicalRule(rule({ remote_ip_prefix: '10.0.0.0/8', remote_address_group_id: 'a' })),
    ).toThrow(many);
    expect(canonicalRule(rule({ remote_address_group_id: 'a' })).remote_address_group_id).toBe('a');
    const key = (a: string | null) =>
      ruleKey({ ...rule({ remote_address_group_id: a }), security_group_id: 'g' });
    expect(key('a')).not.toBe(key('b'));
    expect(key('a')).not.toBe(key(null));
  });
});
