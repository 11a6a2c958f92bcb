import { describe, expect, it } from 'vitest';
import type { Aggregate } from './aggregate-store.js';
import { aggregateView } from './aggregate-view.js';

const a: Aggregate = {
  id: 7,
  uuid: '6ba28ba7-f29b-45cc-a30b-6e3a40c2fb14',
  name: 'rack',
  hosts: ['h1'],
  metadata: { availability_zone: 'az1', ssd: 'yes' },
  createdAt: '2026-12-07T03:00:00.123Z',
  updatedAt: null,
};

describe('aggregate-view', () => {
  it('shows uuid from 2.41 only', () => {
    expect(aggregateView(a, [2, 40])).not.toHaveProperty('uuid');
    expect(aggregateView(a, [2, 41])).toEqual({
      availability_zone: 'az1',
      created_at: '2026-12-07T03:00:00.123000',
      deleted: false,
      deleted_at: null,
      hosts: ['h1'],
      id: 7,
      metadata: { availability_zone: 'az1', ssd: 'yes' },
      name: 'rack',
      updated_at: null,
      uuid: a.uuid,
    });
  });

  it('answers create without hosts and metadata, and a zone-less aggregate with a null zone', () => {
    const v = aggregateView({ ...a, metadata: {} }, [2, 41], { created: true });
    expect(Object.keys(v).sort()).toEqual([
      'availability_zone',
      'created_at',
      'deleted',
      'deleted_at',
      'id',
      'name',
      'updated_at',
      'uuid',
    ]);
    expect(v.availability_zone).toBeNull();
  });
});
