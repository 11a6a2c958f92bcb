import { describe, expect, it } from 'vitest';
import { changedStatuses } from './network-controller.js';

describe('network controller', () => {
  it('reports only what changed since the last accepted report', () => {
    const now = [
      { portId: 'a', status: 'ACTIVE' as const },
      { portId: 'b', status: 'DOWN' as const },
      { portId: 'c', status: 'ACTIVE' as const },
    ];
    const reported = new Map<string, 'ACTIVE' | 'DOWN'>([
      ['a', 'ACTIVE'],
      ['b', 'ACTIVE'],
    ]);
    expect(changedStatuses(now, reported)).toEqual([now[1], now[2]]);
  });
});
