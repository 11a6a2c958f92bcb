import { describe, expect, it } from 'vitest';
import { nextDeviceName } from './volume-attachment-service.js';

describe('volume-attachment-service', () => {
  it('names the first free /dev/vdX after the root disk', () => {
    expect(nextDeviceName([])).toBe('/dev/vdb');
    expect(nextDeviceName([{ device: '/dev/vdb' }, { device: '/dev/vdd' }])).toBe('/dev/vdc');
  });

  it('refuses when every name is taken', () => {
    const all = [...'bcdefghijklmnopqrstuvwxyz'].map((c) => ({ device: `/dev/vd${c}` }));
    expect(() => nextDeviceName(all)).toThrow(/No free device name/);
  });
});
