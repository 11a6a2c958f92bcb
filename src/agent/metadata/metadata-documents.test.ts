import { describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../drivers/driver.js';
import { metadataDocument } from './metadata-documents.js';

const spec = {
  workloadId: '11111111-2222-4333-8444-555555555555',
  name: 'web',
  hostname: 'web',
  kind: 'vm',
  image: { id: 'img-1', diskFormat: null, containerFormat: null, properties: {} },
  projectId: 'p',
  availabilityZone: 'nova',
  launchIndex: 2,
  userData: Buffer.from('hello').toString('base64'),
  metadata: {},
  keyName: 'k',
  keyData: 'ssh-ed25519 AAAA k',
  nics: [],
} as unknown as WorkloadSpec;

const body = (path: string) => metadataDocument(spec, path, '10.0.0.5')?.body.toString();

describe('metadata documents', () => {
  it('serves the config drive documents under openstack/<version>/', () => {
    expect(JSON.parse(body('/openstack/latest/meta_data.json')!)).toMatchObject({
      uuid: spec.workloadId,
      launch_index: 2,
    });
    expect(body('/openstack/2018-08-27/user_data')).toBe('hello');
    expect(body('/openstack/latest/')!.split('\n')).toEqual(
      expect.arrayContaining([
        'meta_data.json',
        'network_data.json',
        'vendor_data.json',
        'vendor_data2.json',
        'user_data',
      ]),
    );
    expect(body('/openstack')).toBe('2018-08-27\nlatest');
    expect(metadataDocument(spec, '/openstack/latest/nothing', '10.0.0.5')).toBeUndefined();
  });

  it('serves the EC2 tree with the caller address as local-ipv4', () => {
    expect(body('/latest/meta-data/local-ipv4')).toBe('10.0.0.5');
    expect(body('/2009-04-04/meta-data/instance-id')).toBe(spec.workloadId);
    expect(body('/latest/meta-data/placement/availability-zone')).toBe('nova');
    expect(body('/latest/meta-data/public-keys/0=k/openssh-key')).toBe('ssh-ed25519 AAAA k');
    expect(body('/latest/meta-data/')!.split('\n')).toEqual(
      expect.arrayContaining(['hostname', 'placement/']),
    );
    expect(body('/latest/user-data')).toBe('hello');
    expect(metadataDocument(spec, '/1999-01-01/meta-data/', '10.0.0.5')).toBeUndefined();
  });
});
