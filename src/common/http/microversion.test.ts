import { describe, expect, it } from 'vitest';
import { microversionHeaders, negotiateMicroversion } from './microversion.js';

const compute = {
  serviceType: 'compute',
  legacyHeader: 'x-openstack-nova-api-version',
  min: [2, 1] as const,
  max: [2, 90] as const,
};

describe('microversion', () => {
  it('defaults to the minimum', () => {
    expect(negotiateMicroversion({}, compute)).toEqual([2, 1]);
  });
  it('reads the service entry of OpenStack-API-Version among several', () => {
    expect(negotiateMicroversion({ 'openstack-api-version': 'volume 3.10, compute 2.53' }, compute)).toEqual([
      2, 53,
    ]);
  });
  it('falls back to the legacy header', () => {
    expect(negotiateMicroversion({ 'x-openstack-nova-api-version': '2.20' }, compute)).toEqual([2, 20]);
  });
  it('maps latest to the maximum', () => {
    expect(negotiateMicroversion({ 'openstack-api-version': 'compute latest' }, compute)).toEqual([2, 90]);
  });
  it('answers 406 out of range and 400 when malformed', () => {
    expect(() => negotiateMicroversion({ 'openstack-api-version': 'compute 2.999' }, compute)).toThrow(
      expect.objectContaining({ status: 406 }),
    );
    expect(() => negotiateMicroversion({ 'openstack-api-version': 'compute two' }, compute)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
  it('announces the version in both headers', () => {
    expect(microversionHeaders([2, 53], compute)).toMatchObject({
      'openstack-api-version': 'compute 2.53',
      'x-openstack-nova-api-version': '2.53',
    });
  });
});
