import { describe, expect, it } from 'vitest';
import { powerFromStatus, powerWithoutProcess } from './qemu-status.js';

describe('qemu-status', () => {
  it('maps QMP run states to power states', () => {
    expect(powerFromStatus('running')).toEqual({ power: 'running' });
    expect(powerFromStatus('paused')).toEqual({ power: 'paused' });
    expect(powerFromStatus('inmigrate')).toEqual({ power: 'paused' });
    expect(powerFromStatus('postmigrate')).toEqual({ power: 'suspended' });
    expect(powerFromStatus('shutdown')).toEqual({
      power: 'shutdown',
      reason: 'the guest powered itself off',
    });
    expect(powerFromStatus('guest-panicked')).toMatchObject({ power: 'crashed', reason: expect.any(String) });
    expect(powerFromStatus('internal-error')).toEqual({
      power: 'crashed',
      reason: 'QEMU reports run state internal-error',
    });
  });

  it('tells a VM the driver stopped from one whose QEMU died', () => {
    expect(powerWithoutProcess('stopped', false)).toEqual({ power: 'shutdown' });
    expect(powerWithoutProcess('suspended', true)).toEqual({ power: 'suspended' });
    expect(powerWithoutProcess('running', false)).toMatchObject({
      power: 'crashed',
      reason: expect.stringMatching(/exited unexpectedly/),
    });
    expect(powerWithoutProcess('paused', false).power).toBe('crashed');
  });
});
