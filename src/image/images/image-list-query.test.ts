import { describe, expect, it } from 'vitest';
import { listFilter, parseImageListQuery, parseSort } from './image-list-query.js';

const limits = { byDefault: 25, max: 1000 };

describe('image-list-query', () => {
  it('defaults to 25 images, newest first, accepted shares, hidden images left out', () => {
    expect(parseImageListQuery({}, limits)).toMatchObject({
      limit: 25,
      sort: [{ key: 'created_at', dir: 'desc' }],
      memberStatus: 'accepted',
      osHidden: false,
      tags: [],
      properties: {},
    });
  });

  it('caps the limit at the maximum', () => {
    expect(parseImageListQuery({ limit: '5000' }, limits).limit).toBe(1000);
  });

  it('sorts every way Glance accepts', () => {
    expect(parseSort({ sort: 'name:asc,size' })).toEqual([
      { key: 'name', dir: 'asc' },
      { key: 'size', dir: 'desc' },
    ]);
    expect(parseSort({ sort_key: ['name', 'size'], sort_dir: 'asc' })).toEqual([
      { key: 'name', dir: 'asc' },
      { key: 'size', dir: 'asc' },
    ]);
    expect(parseSort({ sort_dir: 'asc' })).toEqual([{ key: 'created_at', dir: 'asc' }]);
  });

  it('reads in: lists with quoted values', () => {
    expect(listFilter('in:a,"b,c", d')).toEqual(['a', 'b,c', 'd']);
    expect(listFilter('eq:a:b')).toEqual(['a:b']);
    expect(listFilter('plain')).toEqual(['plain']);
    expect(() => listFilter('gt:a')).toThrow("Unable to filter by unknown operator 'gt'.");
  });

  it('sorts filters into columns, ranges, times and properties', () => {
    const q = parseImageListQuery(
      {
        name: 'in:a,b',
        size_min: '10',
        min_ram: '512',
        owner: 'p1',
        created_at: 'gte:2026-01-01T00:00:00Z',
        tag: ['x', 'y'],
        hw_arch: 'x86_64',
        os_hidden: 'TRUE',
        visibility: 'all',
        member_status: 'pending',
        marker: 'm',
      },
      limits,
    );
    expect(q).toMatchObject({
      lists: [{ column: 'name', values: ['a', 'b'] }],
      numbers: [
        { column: 'size', op: '>=', value: 10 },
        { column: 'min_ram', op: '=', value: 512 },
      ],
      times: [{ column: 'created_at', op: '>=', value: '2026-01-01T00:00:00.000Z' }],
      equals: { owner: 'p1' },
      properties: { hw_arch: 'x86_64' },
      tags: ['x', 'y'],
      osHidden: true,
      visibility: 'all',
      memberStatus: 'pending',
      marker: 'm',
    });
  });

  it('refuses a non-numeric value for a numeric column', () => {
    expect(() => parseImageListQuery({ min_ram: 'lots' }, limits)).toThrow(
      "Invalid value 'lots' for parameter 'min_ram'.",
    );
  });

  it('takes a bare ISO time as equality', () => {
    const q = parseImageListQuery({ updated_at: '2026-01-01T00:00:00Z' }, limits);
    expect(q.times).toEqual([{ column: 'updated_at', op: '=', value: '2026-01-01T00:00:00.000Z' }]);
  });
});
