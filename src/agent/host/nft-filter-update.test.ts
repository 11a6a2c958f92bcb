import { describe, expect, it } from 'vitest';
import { compileFilter, filterTransaction } from './nft-filter-update.js';
import type { PortFilter } from './nft-ruleset.js';
import { compileAddressGroupUpdate } from './nft-ruleset.js';

const port = (rules: PortFilter['rules']): PortFilter => ({
  portId: 'p1',
  device: 'tapp1',
  bridge: 'brq0c0ffee0-aa',
  mac: 'fa:16:3e:00:00:01',
  fixedIps: ['10.0.0.5'],
  allowedAddressPairs: [],
  portSecurityEnabled: true,
  rules,
});
const fromGroup = {
  direction: 'ingress',
  ethertype: 'IPv4',
  protocol: 'tcp',
  port_range_min: 22,
  port_range_max: 22,
  remote_ip_prefix: null,
  remote_group_id: null,
  remote_address_group_id: 'x1',
} as const;

const groups = (cidrs: string[]) => new Map([['x1', cidrs]]);

describe('nft-filter-update', () => {
  it('writes the whole ruleset first, and nothing when nothing changed', () => {
    const next = compileFilter([port([fromGroup])], new Map(), groups(['10.8.0.0/16']));
    expect(filterTransaction(undefined, next)).toBe(next.ruleset);
    expect(
      filterTransaction(next, compileFilter([port([fromGroup])], new Map(), groups(['10.8.0.0/16']))),
    ).toBe(undefined);
  });

  it('refills only the sets of a group whose addresses changed', () => {
    const last = compileFilter([port([fromGroup])], new Map(), groups(['10.8.0.0/16']));
    const next = compileFilter([port([fromGroup])], new Map(), groups(['10.8.0.0/16', '10.9.0.0/24']));
    expect(filterTransaction(last, next)).toBe(
      compileAddressGroupUpdate('x1', ['10.8.0.0/16', '10.9.0.0/24']),
    );
  });

  it('rewrites the whole ruleset when a rule changed too', () => {
    const last = compileFilter([port([fromGroup])], new Map(), groups(['10.8.0.0/16']));
    const next = compileFilter(
      [port([fromGroup, { ...fromGroup, port_range_min: 80, port_range_max: 80 }])],
      new Map(),
      groups(['10.9.0.0/24']),
    );
    expect(filterTransaction(last, next)).toBe(next.ruleset);
  });
});
