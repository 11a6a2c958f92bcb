import { describe, expect, it } from 'vitest';
import { statCpuMs, threadCpuMs } from './strata-process.js';

describe('thread CPU time from /proc', () => {
  it('adds utime and stime, in ms, after a command name with spaces and parentheses', () => {
    const stat = '4242 (node (main) x) R 1 4242 4242 0 -1 4194304 100 0 0 0 123 45 0 0 20 0 11 0 99 0 0';
    expect(statCpuMs(stat)).toBe((123 + 45) * 10);
  });

  it('reads this process main thread', () => {
    const ms = threadCpuMs(process.pid);
    expect(Number.isInteger(ms)).toBe(true);
    expect(ms).toBeGreaterThan(0);
  });
});
