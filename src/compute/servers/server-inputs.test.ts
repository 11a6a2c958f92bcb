import { describe, expect, it } from 'vitest';
import { hostnameOf } from './server-inputs.js';

describe('hostnameOf (Nova sanitize_hostname)', () => {
  it('cuts a long name to 63 characters before stripping, so no hyphen is left at the end', () => {
    // openstacksdk's functional test names: the 63rd character is the `_` of `test_create`.
    const name = 'openstack.tests.functional.cloud.test_compute.TestCompute.test_create_and_delete_server-1';
    expect(hostnameOf(name)).toBe('openstack-tests-functional-cloud-test-compute-testcompute-test');
  });

  it('turns spaces, underscores and dots into hyphens and drops other characters', () => {
    expect(hostnameOf('My Server_1.example')).toBe('my-server-1-example');
    expect(hostnameOf('web#01 (café)')).toBe('web01-caf');
    expect(hostnameOf('-.a.-')).toBe('a');
  });

  it('falls back to a default when nothing is left', () => {
    expect(hostnameOf('***')).toBe('server');
  });
});
