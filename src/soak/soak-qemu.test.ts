import { describe, expect, it } from 'vitest';
import { clientActionSince, idleRunning, powerSyncStop } from './soak-qemu.js';

const killedAt = Date.parse('2026-12-07T10:00:00Z');

describe('idleRunning', () => {
  it('is true only for an ACTIVE server with no task whose power state is RUNNING', () => {
    const base = { status: 'ACTIVE', 'OS-EXT-STS:task_state': null, 'OS-EXT-STS:power_state': 1 };
    expect(idleRunning(base)).toBe(true);
    expect(idleRunning({ ...base, 'OS-EXT-STS:task_state': 'rebooting' })).toBe(false);
    expect(idleRunning({ ...base, 'OS-EXT-STS:power_state': 4 })).toBe(false);
    expect(idleRunning({ ...base, status: 'SHUTOFF' })).toBe(false);
  });
});

describe('powerSyncStop', () => {
  const sync = { action: 'stop', request_id: 'req-power-sync', start_time: '2026-12-07T10:00:20.000000' };

  it("finds the power sync's stop after the kill, reading Nova's zoneless times as UTC", () => {
    expect(powerSyncStop([{ action: 'create', request_id: 'req-1' }, sync], killedAt)).toBe(sync);
  });

  it('ignores a power-sync stop from before the kill, a user stop and a power-sync start', () => {
    const earlier = { ...sync, start_time: '2026-12-07T09:59:00.000000' };
    const user = { ...sync, request_id: 'req-abc' };
    const start = { ...sync, action: 'start' };
    expect(powerSyncStop([earlier, user, start], killedAt)).toBeUndefined();
  });

  it('accepts times that carry a zone', () => {
    expect(powerSyncStop([{ ...sync, start_time: '2026-12-07T11:00:05+01:00' }], killedAt)).toBeDefined();
    expect(powerSyncStop([{ ...sync, start_time: '2026-12-07T10:59:05+01:00' }], killedAt)).toBeUndefined();
  });
});

describe('clientActionSince', () => {
  it("sees a user's action started after the kill, not the power sync's nor an older one", () => {
    const at = (t: string, request_id = 'req-1') => ({ action: 'stop', request_id, start_time: t });
    const after = at('2026-12-07T10:00:03Z');
    expect(clientActionSince([after], killedAt)).toBe(after);
    expect(clientActionSince([at('2026-12-07T10:00:03Z', 'req-power-sync')], killedAt)).toBeUndefined();
    expect(clientActionSince([at('2026-12-07T09:58:00Z')], killedAt)).toBeUndefined();
  });
});
