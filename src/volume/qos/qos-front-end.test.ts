import { describe, expect, it } from 'vitest';
import { checkDevice } from '../../compute/devices/device-checks.js';
import { diskQosOf, frontEndSpecs } from './qos-front-end.js';
import type { QosSpecsRecord } from './qos-store.js';

const qos = (consumer: QosSpecsRecord['consumer'], specs: Record<string, string>): QosSpecsRecord => ({
  id: 'q',
  name: 'q',
  consumer,
  specs,
  createdAt: '2026-01-01T00:00:00Z',
});

describe('front-end QoS specs', () => {
  it("gives Cinder's qos_specs: front-end and both only, per-GB keys resolved and floored", () => {
    expect(frontEndSpecs(undefined, 10)).toBeNull();
    expect(frontEndSpecs(qos('back-end', { read_bytes_sec: '1' }), 10)).toBeNull();
    expect(
      frontEndSpecs(
        qos('both', {
          read_iops_sec_per_gb: '20',
          total_bytes_sec_per_gb: '1000',
          total_bytes_sec_per_gb_min: '50000',
          other: 'kept',
        }),
        10,
      ),
    ).toEqual({ read_iops_sec: 200, total_bytes_sec: 50000, other: 'kept' });
  });

  it('keeps only the keys a hypervisor applies, as positive whole numbers', () => {
    expect(diskQosOf(null)).toBeUndefined();
    expect(diskQosOf({ vendor: '5', total_iops_sec: '0' })).toBeUndefined();
    expect(
      diskQosOf({
        total_iops_sec: '100',
        read_bytes_sec: 'fast',
        write_bytes_sec: '1.5',
        size_iops_sec: 4096,
      }),
    ).toEqual({ total_iops_sec: 100, size_iops_sec: 4096 });
  });

  it('lets compute refuse unknown or negative limits on a disk', () => {
    const disk = { volumeId: 'v1', source: '/pool/v1.qcow2', format: 'qcow2' as const, readOnly: false };
    expect(() => checkDevice({ kind: 'disk', disk: { ...disk, qos: { total_iops_sec: 10 } } })).not.toThrow();
    expect(() => checkDevice({ kind: 'disk', disk: { ...disk, qos: { total_iops_sec: -1 } } })).toThrow(
      /Invalid disk QoS total_iops_sec=-1/,
    );
    expect(() =>
      checkDevice({ kind: 'disk', disk: { ...disk, qos: { bogus: 1 } as Record<string, number> } }),
    ).toThrow(/Invalid disk QoS bogus/);
  });
});
