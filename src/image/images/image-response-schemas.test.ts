import { describe, expect, it } from 'vitest';
import { compileResponseChecker } from '../../common/http/response-check.js';
import { imageResponse } from './image-response-schemas.js';
import { imageView } from './image-view.js';

const image = {
  id: '3b7e5f0a-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
  name: 'cirros',
  diskFormat: 'qcow2',
  containerFormat: 'bare',
  visibility: 'private',
  size: null,
  virtualSize: null,
  status: 'queued',
  checksum: null,
  protected: false,
  minRam: 0,
  minDisk: 0,
  owner: 'p1',
  osHidden: false,
  osHashAlgo: null,
  osHashValue: null,
  createdAt: '2026-12-07T07:00:00.000Z',
  updatedAt: '2026-12-07T07:00:00.000Z',
  tags: [],
  properties: { hw_disk_bus: 'virtio' },
} as unknown as Parameters<typeof imageView>[0];

describe('Glance image response schema', () => {
  const check = compileResponseChecker(imageResponse);

  it('accepts the image view with its extra properties at the top level', () => {
    expect(check(imageView(image), undefined)).toEqual([]);
  });

  it('refuses a missing core attribute and an extra property that is not a string', () => {
    const { checksum: _dropped, ...missing } = imageView(image);
    expect(check(missing, undefined)!.join()).toContain('checksum');
    expect(check({ ...imageView(image), hw_cpu_cores: 2 }, undefined)!.join()).toContain('hw_cpu_cores');
  });
});
