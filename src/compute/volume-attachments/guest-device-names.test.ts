import { describe, expect, it } from 'vitest';
import { firstFreeDeviceName, hotPlugDeviceName } from './guest-device-names.js';

describe('guest device names', () => {
  it('names the first free /dev/vdX after the root', () => {
    expect(firstFreeDeviceName(new Set(['/dev/vda', '/dev/vdb', '/dev/vdd']))).toBe('/dev/vdc');
    const all = [...'abcdefghijklmnopqrstuvwxyz'].map((c) => `/dev/vd${c}`);
    expect(() => firstFreeDeviceName(new Set(all))).toThrow(/No free device name/);
  });

  it('puts a hot-plugged volume after the config drive, which follows the boot-time disks', () => {
    // Image-backed, nothing mapped: root vda, config drive vdb, the volume vdc.
    expect(hotPlugDeviceName([], [])).toBe('/dev/vdc');
    // Volume-backed with a second mapping: vda, vdb, config drive vdc, the volume vdd.
    expect(hotPlugDeviceName(['/dev/vda', '/dev/vdb'], ['/dev/vda', '/dev/vdb'])).toBe('/dev/vdd');
    // A detached hot-plugged disk frees its name for the next one; the config drive's stays taken.
    expect(hotPlugDeviceName(['/dev/vda'], ['/dev/vda', '/dev/vdd'])).toBe('/dev/vdc');
  });
});
