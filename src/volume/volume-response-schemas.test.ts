import { describe, expect, it } from 'vitest';
import { compileResponseChecker } from '../common/http/response-check.js';
import { volumeWriteResponse } from './volumes/volume-response-schemas.js';

const volume = {
  id: 'v1',
  status: 'available',
  size: 1,
  availability_zone: 'nova',
  created_at: '2026-01-02T03:04:05.000000',
  updated_at: null,
  name: null,
  description: null,
  volume_type: '__DEFAULT__',
  snapshot_id: null,
  source_volid: null,
  metadata: {},
  links: [{ rel: 'self', href: 'http://x/volume/v3/p/volumes/v1' }],
  user_id: 'u1',
  bootable: 'false',
  encrypted: false,
  replication_status: null,
  consistencygroup_id: null,
  multiattach: false,
  attachments: [],
};

describe('volume response schemas', () => {
  const check = compileResponseChecker(volumeWriteResponse);

  it("covers Cinder's versions from 3.0, adding each field at its microversion", () => {
    expect(check({ volume }, [3, 0])).toEqual([]);
    expect(check({ volume: { ...volume, group_id: null } }, [3, 12])).not.toEqual([]);
    expect(check({ volume }, [3, 13])).not.toEqual([]);
    expect(check({ volume: { ...volume, group_id: null } }, [3, 13])).toEqual([]);
    const at48 = { ...volume, group_id: null, shared_targets: false, service_uuid: 's' };
    expect(check({ volume: at48 }, [3, 60])).toEqual([]);
  });

  it("refuses the extensions' attributes on create and update", () => {
    expect(check({ volume: { ...volume, 'os-vol-tenant-attr:tenant_id': 'p' } }, [3, 0])).not.toEqual([]);
  });
});
