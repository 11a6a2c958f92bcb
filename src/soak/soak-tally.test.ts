import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FaultWindows } from './soak-faults-window.js';
import { formatSoakReport } from './soak-report.js';
import { SoakTally } from './soak-tally.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('FaultWindows', () => {
  it('covers a request that overlaps a fault or its grace, and no other', () => {
    const windows = new FaultWindows(3000);
    expect(windows.covers(999_000, 999_500)).toBe(false);
    const close = windows.open();
    expect(windows.covers(999_000, 1_000_000)).toBe(true);
    vi.setSystemTime(1_010_000);
    close();
    expect(windows.covers(1_012_000, 1_012_500)).toBe(true); // within the 3 s grace
    expect(windows.covers(1_013_001, 1_014_000)).toBe(false);
    expect(windows.covers(990_000, 999_999)).toBe(false);
  });
});

describe('SoakTally', () => {
  it('allows a 5xx or a broken connection during a fault and counts one outside as a violation', () => {
    const tally = new SoakTally();
    tally.reply('server create', 202, false, '');
    tally.reply('server create', 500, true, 'disk full');
    tally.broken('image upload', 'ECONNRESET', true);
    expect(tally.violations).toEqual([]);
    tally.reply('image create', 503, false, '{"message":"boom"}');
    tally.broken('project create', 'ECONNRESET', false);
    expect(tally.violations).toHaveLength(2);
    expect(tally.violations[0]).toContain('image create: 503 outside any fault');
    expect(tally.operationCount).toBe(5);
  });

  it('reports the counts and every violation', () => {
    const tally = new SoakTally();
    tally.reply('server create', 202, false, '');
    tally.fault('kill-control-plane');
    tally.fault('kill-control-plane');
    tally.violation('server x stuck in BUILD/scheduling for more than 120 s');
    const text = formatSoakReport({
      tally,
      seconds: 120,
      acknowledgedChecked: 1,
      skipped: ['fill-disk fault: no root'],
    });
    expect(text).toContain('operations: 1');
    expect(text).toContain('faults injected: 2');
    expect(text).toContain('  kill-control-plane: 2');
    expect(text).toContain('skipped: fill-disk fault: no root');
    expect(text).toContain('invariant violations: 1\n  server x stuck in BUILD/scheduling');
  });
});
