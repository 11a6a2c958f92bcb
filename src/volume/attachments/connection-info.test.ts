import { describe, expect, it } from 'vitest';
import { connectionInfoOf, modeOf, nbdUriOf, withQosSpecs } from './connection-info.js';

describe('connection-info', () => {
  const v = { id: '5c0ffee0-0000-4000-8000-000000000001' };

  it('names the volume on the backend host (file), never its path', () => {
    expect(connectionInfoOf(v, 'ro')).toEqual({
      driver_volume_type: 'file',
      data: {
        format: 'qcow2',
        name: `volume-${v.id}`,
        volume_id: v.id,
        serial: v.id,
        access_mode: 'ro',
        encrypted: false,
        qos_specs: null,
        discard: false,
      },
    });
  });

  it('gives another host the NBD server and the per-attachment export (raw)', () => {
    const nbd = { address: { host: '10.0.0.5', port: 10809 }, exportName: 'attachment-a1' };
    expect(connectionInfoOf(v, null, null, nbd)).toEqual({
      driver_volume_type: 'nbd',
      data: {
        format: 'raw',
        name: 'attachment-a1',
        export_name: 'attachment-a1',
        host: '10.0.0.5',
        port: 10809,
        hosts: ['10.0.0.5'],
        ports: ['10809'],
        uri: 'nbd://10.0.0.5:10809/attachment-a1',
        volume_id: v.id,
        serial: v.id,
        access_mode: 'rw',
        encrypted: false,
        qos_specs: null,
        discard: false,
      },
    });
  });

  it('brackets IPv6 servers in the URI', () => {
    expect(nbdUriOf({ address: { host: 'fd00::5', port: 10900 }, exportName: 'x y' })).toBe(
      'nbd://[fd00::5]:10900/x%20y',
    );
  });

  it('takes the mode from the connector, else the attachment', () => {
    expect(modeOf({ mode: 'ro' }, 'rw')).toBe('ro');
    expect(modeOf({}, 'ro')).toBe('ro');
    expect(modeOf({ mode: 'x' }, null)).toBe('rw');
  });

  it('puts the current qos_specs in a stored connection_info, and says when nothing changed', () => {
    const nbd = { address: { host: '10.0.0.5', port: 10809 }, exportName: 'attachment-a1' };
    const stored = connectionInfoOf(v, 'rw', { read_iops_sec: '100', total_iops_sec: 30 }, nbd);
    // Same specs in another key order: no change.
    expect(withQosSpecs(stored, { total_iops_sec: 30, read_iops_sec: '100' })).toBeUndefined();
    const next = withQosSpecs(stored, { write_bytes_sec: '4096' });
    expect(next).toEqual({
      ...stored,
      data: { ...(stored['data'] as object), qos_specs: { write_bytes_sec: '4096' } },
    });
    expect(withQosSpecs(stored, null)).toEqual({
      ...stored,
      data: { ...(stored['data'] as object), qos_specs: null },
    });
    expect(withQosSpecs(connectionInfoOf(v, 'rw'), null)).toBeUndefined();
    // A bare reservation has no connection_info to follow.
    expect(withQosSpecs(null, { a: '1' })).toBeUndefined();
    expect(withQosSpecs({}, { a: '1' })).toBeUndefined();
  });
});
