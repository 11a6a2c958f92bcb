import { describe, expect, it } from 'vitest';
import { maxSocketPath, qmpSocketOf } from './runc-volume-loops.js';

const volumeId = '6a7b8c9d-0000-4000-8000-000000000e60';

describe('qmpSocketOf: the volume daemon QMP socket stays inside the data dir', () => {
  it('sits beside the FUSE export in the staging directory when the path fits', () => {
    const staging = '/var/lib/strata/instances/runc/w1/volumes-staging';
    expect(qmpSocketOf(staging, volumeId)).toBe(`${staging}/${volumeId}.qmp`);
  });

  it("falls back to a hashed name in the driver's run folder when the path is too long", () => {
    const stateDir = `/srv/${'d'.repeat(30)}/instances/runc`;
    const staging = `${stateDir}/0f0e0d0c-0000-4000-8000-00000000abcd/volumes-staging`;
    const sock = qmpSocketOf(staging, volumeId);
    expect(sock).toMatch(new RegExp(`^${stateDir}/run/[0-9a-f]{24}\\.qmp$`));
    expect(Buffer.byteLength(sock)).toBeLessThanOrEqual(maxSocketPath);
    // Stable, and distinct per workload and volume.
    expect(qmpSocketOf(staging, volumeId)).toBe(sock);
    expect(qmpSocketOf(staging.replace('abcd', 'abce'), volumeId)).not.toBe(sock);
  });

  it('refuses a data dir too long for any socket rather than let QEMU truncate the path', () => {
    const staging = `/${'x'.repeat(120)}/w/volumes-staging`;
    expect(() => qmpSocketOf(staging, volumeId)).toThrow(/too long/);
  });
});
