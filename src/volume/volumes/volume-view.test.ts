import { describe, expect, it } from 'vitest';
import type { VolumeAttachment } from '../attachments/volume-attachment-store.js';
import type { VolumeRecord } from './volume-store.js';
import { cinderTime, volumeDetail, volumeShown } from './volume-view.js';

const volume: VolumeRecord = {
  id: 'v1',
  projectId: 'p1',
  userId: 'u1',
  name: 'n',
  description: null,
  size: 2,
  status: 'in-use',
  availabilityZone: 'nova',
  volumeTypeId: 't1',
  volumeTypeName: '__DEFAULT__',
  snapshotId: null,
  sourceVolid: null,
  metadata: { a: 'b' },
  multiattach: false,
  generation: 3,
  createdAt: '2026-01-02T03:04:05.678Z',
  updatedAt: null,
  bootable: false,
  imageId: null,
  imageMetadata: {},
  uploadImageId: null,
  adminMetadata: {},
  migrationStatus: null,
  statusReset: false,
};
const attached: VolumeAttachment = {
  id: 'a1',
  volumeId: 'v1',
  serverId: 's1',
  device: '/dev/vdb',
  attachStatus: 'attached',
  hostName: 'h1',
  attachedAt: '2026-01-02T03:04:06.000Z',
  createdAt: '2026-01-02T03:04:05.900Z',
  connector: null,
  connectionInfo: null,
  attachMode: 'rw',
  driver: 'compute',
};
const ctx = {
  serviceUrl: 'http://x/volume',
  projectId: 'p1',
  isAdmin: false,
  microversion: undefined,
  serviceUuid: 'svc-1',
};

describe('volume-view', () => {
  it("writes Cinder's timestamps: microseconds, no zone", () => {
    expect(cinderTime('2026-01-02T03:04:05.678Z')).toBe('2026-01-02T03:04:05.678000');
    expect(cinderTime(null)).toBeNull();
  });

  it('lists attached attachments only, hiding the host from non-admins', () => {
    const attaching = { ...attached, id: 'a2', serverId: 's2', attachStatus: 'attaching' as const };
    const v = volumeDetail(ctx, { volume, attachments: [attached, attaching] });
    expect(v.attachments).toEqual([
      {
        id: 'v1',
        attachment_id: 'a1',
        volume_id: 'v1',
        server_id: 's1',
        host_name: null,
        device: '/dev/vdb',
        attached_at: '2026-01-02T03:04:06.000000',
      },
    ]);
    expect(v.links[0]).toEqual({ rel: 'self', href: 'http://x/volume/v3/p1/volumes/v1' });
    expect(v).not.toHaveProperty('os-vol-host-attr:host');
  });

  it('adds the admin-only attributes for admins', () => {
    const v = volumeShown({ ...ctx, isAdmin: true }, { volume, attachments: [attached] });
    expect(v.attachments[0]!.host_name).toBe('h1');
    expect(v).toMatchObject({ migration_status: null, 'os-vol-mig-status-attr:migstat': null });
  });

  it('adds the fields of each microversion exactly from its version on', () => {
    const keys = (mv: [number, number] | undefined, isAdmin = false) =>
      Object.keys(volumeDetail({ ...ctx, isAdmin, microversion: mv }, { volume, attachments: [] }));
    const base = keys(undefined);
    expect(base).not.toContain('group_id');
    expect(keys([3, 12])).toEqual(base);
    expect(keys([3, 13])).toEqual([...base, 'group_id']);
    expect(keys([3, 21])).not.toContain('provider_id');
    expect(keys([3, 21], true)).toContain('provider_id');
    expect(keys([3, 20], true)).not.toContain('provider_id');
    expect(keys([3, 47])).not.toContain('shared_targets');
    expect(keys([3, 48])).toEqual([...base, 'group_id', 'shared_targets', 'service_uuid']);
    const v = volumeDetail({ ...ctx, microversion: [3, 60] }, { volume, attachments: [] });
    expect(v).toMatchObject({ shared_targets: false, service_uuid: 'svc-1', volume_type: '__DEFAULT__' });
    expect(v).not.toHaveProperty('cluster_name');
  });

  // Drift fixed: create and update answered with the extensions' attributes, which Cinder
  // adds only to show and detail lists (strict clients refuse the extra fields).
  it("keeps the extensions' attributes to show and detail lists", () => {
    const extensions = [
      'os-vol-tenant-attr:tenant_id',
      'os-vol-host-attr:host',
      'os-vol-mig-status-attr:migstat',
      'os-vol-mig-status-attr:name_id',
    ];
    const admin = { ...ctx, isAdmin: true };
    const written = volumeDetail(admin, { volume, attachments: [] });
    for (const k of extensions) expect(written).not.toHaveProperty([k]);
    expect(written).toHaveProperty('migration_status', null);
    const shown = volumeShown(admin, { volume, attachments: [] });
    for (const k of extensions) expect(shown).toHaveProperty([k]);
  });
});
