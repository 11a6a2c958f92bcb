import { describe, expect, it } from 'vitest';
import { allowed, nextStatus } from './image-machine.js';

describe('image-machine', () => {
  it('walks upload and import paths to active', () => {
    expect(nextStatus(nextStatus('queued', 'upload'), 'stored')).toBe('active');
    expect(nextStatus(nextStatus(nextStatus('queued', 'stage'), 'import'), 'imported')).toBe('active');
  });

  it('requeues a failed or refused transfer', () => {
    expect(nextStatus('saving', 'upload_failed')).toBe('queued');
    expect(nextStatus('uploading', 'stage_refused')).toBe('queued');
    expect(nextStatus('importing', 'import_failed')).toBe('queued');
  });

  it('refuses with the transition Glance names', () => {
    expect(() => nextStatus('active', 'upload')).toThrow(
      'Image status transition from active to saving is not allowed',
    );
    expect(allowed('deleted', 'delete')).toBe(false);
    expect(allowed('killed', 'delete')).toBe(true);
  });
});
