import { describe, expect, it } from 'vitest';
import {
  convertEthertype,
  convertIpPrefix,
  convertPort,
  convertProtocol,
  normalizedCidr,
} from './security-group-protocols.js';

describe('security-group-protocols', () => {
  it('converts protocols by name (any case) or number, and refuses the rest', () => {
    expect(convertProtocol('TCP')).toBe('tcp');
    expect(convertProtocol(17)).toBe('17');
    expect(convertProtocol('0')).toBe('0');
    expect(convertProtocol(null)).toBeNull();
    expect(() => convertProtocol(256)).toThrow('Security group rule protocol 256 not supported.');
    expect(() => convertProtocol('smtp')).toThrow("Only protocol values [None, 'ah', 'dccp'");
  });

  it('converts ethertypes without regard to case', () => {
    expect(convertEthertype('ipv6')).toBe('IPv6');
    expect(() => convertEthertype(4)).toThrow("ethertype '4' not supported");
  });

  it('accepts ports 0-65535 as integers or digit strings', () => {
    expect(convertPort('443')).toBe(443);
    expect(convertPort(null)).toBeNull();
    expect(() => convertPort(-1)).toThrow('Invalid value for port -1');
    expect(() => convertPort('x')).toThrow('Invalid value for port x');
  });

  it('keeps the address of a prefix as given and normalizes it separately', () => {
    expect(convertIpPrefix('10.1.2.3')).toBe('10.1.2.3/32');
    expect(convertIpPrefix('2001:DB8::1/64')).toBe('2001:db8::1/64');
    expect(convertIpPrefix('')).toBeNull();
    expect(() => convertIpPrefix('10.0.0.0/40')).toThrow('Invalid CIDR 10.0.0.0/40 given as IP prefix.');
    expect(normalizedCidr('10.1.2.3/16')).toBe('10.1.0.0/16');
    expect(normalizedCidr('2001:db8::1/64')).toBe('2001:db8::/64');
  });
});
