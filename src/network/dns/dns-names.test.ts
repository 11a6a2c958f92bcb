import { describe, expect, it } from 'vitest';
import { dnsAssignment, isDnsDomain, isDnsName } from './dns-names.js';

describe('dns_assignment', () => {
  const ips = [{ ip_address: '10.0.0.5' }, { ip_address: 'fd00::5' }];

  it('names each address after the port, in the network domain', () => {
    expect(dnsAssignment('web-1', 'example.org.', ips)).toEqual([
      { hostname: 'web-1', ip_address: '10.0.0.5', fqdn: 'web-1.example.org.' },
      { hostname: 'web-1', ip_address: 'fd00::5', fqdn: 'web-1.example.org.' },
    ]);
  });

  it('names a port without dns_name after its address, as Neutron', () => {
    expect(dnsAssignment('', 'openstacklocal.', ips)).toEqual([
      { hostname: 'host-10-0-0-5', ip_address: '10.0.0.5', fqdn: 'host-10-0-0-5.openstacklocal.' },
      { hostname: 'host-fd00--5', ip_address: 'fd00::5', fqdn: 'host-fd00--5.openstacklocal.' },
    ]);
  });

  it('keeps an FQDN dns_name as it is', () => {
    expect(dnsAssignment('a.example.org.', 'example.org.', ips.slice(0, 1))[0]!.fqdn).toBe('a.example.org.');
  });
});

describe('DNS validation (neutron-lib)', () => {
  it('accepts FQDN domains and refuses others with its reasons', () => {
    expect(isDnsDomain('')).toBeUndefined();
    expect(isDnsDomain('example.org.')).toBeUndefined();
    expect(isDnsDomain('example.org')).toBe("'example.org' is not a FQDN");
    expect(isDnsDomain('-a.org.')).toBe(
      "'-a.org.' not a valid PQDN or FQDN. Reason: Name '-a' must not start or end with a hyphen",
    );
    expect(isDnsDomain('a.123.')).toBe(
      "'a.123.' not a valid PQDN or FQDN. Reason: TLD '123' must not be all numeric",
    );
  });

  it('checks names against a non-default domain only', () => {
    expect(isDnsName('openstacklocal.')('other.example.com.')).toBeUndefined();
    expect(isDnsName('example.org.')('web.example.org.')).toBeUndefined();
    expect(isDnsName('example.org.')('web.example.com.')).toMatch(/higher level labels must be equal/);
    expect(isDnsName('example.org.')('a..b')).toBe(
      "'a..b' not a valid PQDN or FQDN. Reason: Encountered an empty component",
    );
    expect(isDnsName('example.org.')('under_score')).toMatch(/must be 1-63 characters long/);
  });
});
