import { describe, expect, it } from 'vitest';
import { parseVolumeListQuery } from './volume-list-query.js';

const member = { projectId: 'p1', isAdmin: false };
const admin = { projectId: 'p0', isAdmin: true };

describe('volume-list-query', () => {
  it('scopes to the caller project unless an admin asks for all_tenants', () => {
    expect(parseVolumeListQuery({ all_tenants: '1' }, member).projectId).toBe('p1');
    expect(parseVolumeListQuery({ all_tenants: 'true' }, admin).projectId).toBeUndefined();
    expect(parseVolumeListQuery({}, admin).projectId).toBe('p0');
  });

  it('reads the metadata filter as python-cinderclient sends it', () => {
    expect(parseVolumeListQuery({ metadata: "{'a': 'b', 'n': 1}" }, member).metadata).toEqual({
      a: 'b',
      n: '1',
    });
    expect(() => parseVolumeListQuery({ metadata: 'a=b' }, member)).toThrow(/metadata filter must be a dict/);
  });

  it('parses both sort syntaxes, defaulting to created_at desc, and refuses mixing them', () => {
    expect(parseVolumeListQuery({}, member).sort).toEqual([{ key: 'created_at', dir: 'desc' }]);
    expect(parseVolumeListQuery({ sort: 'name:asc,size' }, member).sort).toEqual([
      { key: 'name', dir: 'asc' },
      { key: 'size', dir: 'desc' },
    ]);
    expect(parseVolumeListQuery({ sort_key: 'size', sort_dir: 'asc' }, member).sort).toEqual([
      { key: 'size', dir: 'asc' },
    ]);
    expect(() => parseVolumeListQuery({ sort: 'name', sort_key: 'size' }, member)).toThrow(/cannot be used/);
    expect(() => parseVolumeListQuery({ sort: 'host' }, member)).toThrow(/Invalid sort key host/);
    expect(() => parseVolumeListQuery({ sort: 'name:up' }, member)).toThrow(/Invalid sort direction/);
  });
});
