import { describe, expect, it } from 'vitest';
import { addressPairsOf, createdDhcpOptions, updatedDhcpOptions } from './port-extra-options.js';

describe('port extra options', () => {
  it('gives an address pair without a MAC the port MAC, and normalizes a given one', () => {
    expect(
      addressPairsOf(
        [{ ip_address: '10.0.0.5' }, { ip_address: '10.0.0.6', mac_address: 'AA-BB-CC-DD-EE-FF' }],
        'fa:16:3e:00:00:01',
      ),
    ).toEqual([
      { ip_address: '10.0.0.5', mac_address: 'fa:16:3e:00:00:01' },
      { ip_address: '10.0.0.6', mac_address: 'aa:bb:cc:dd:ee:ff' },
    ]);
  });

  it('stores DHCP options with a value, IPv4 unless said, blank only for router and classless-static-route', () => {
    expect(
      createdDhcpOptions([
        { opt_name: 'mtu', opt_value: '1400' },
        { opt_name: 'ntp-server', opt_value: '' },
        { opt_name: 'classless-static-route', opt_value: '' },
        { opt_name: 'dns-server', opt_value: null, ip_version: 6 },
      ]),
    ).toEqual([
      { opt_name: 'mtu', opt_value: '1400', ip_version: 4 },
      { opt_name: 'classless-static-route', opt_value: '', ip_version: 4 },
    ]);
  });

  it('merges an update by name and IP version', () => {
    const current = [
      { opt_name: 'mtu', opt_value: '1400', ip_version: 4 },
      { opt_name: 'mtu', opt_value: '1280', ip_version: 6 },
    ];
    expect(
      updatedDhcpOptions(current, [
        { opt_name: 'mtu', opt_value: null, ip_version: 6 },
        { opt_name: 'mtu', opt_value: '1450' },
        { opt_name: 'ntp-server', opt_value: '' },
      ]),
    ).toEqual([{ opt_name: 'mtu', opt_value: '1450', ip_version: 4 }]);
  });
});
