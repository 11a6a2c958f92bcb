import { describe, expect, it } from 'vitest';
import { WorkloadLock } from './workload-lock.js';

describe('WorkloadLock', () => {
  it('runs operations on one workload in order, others concurrently, and survives failures', async () => {
    const lock = new WorkloadLock();
    const log: string[] = [];
    const step =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name}:end`);
        if (fail) throw new Error(name);
        return name;
      };
    const a = lock.run('vm1', step('a', 30, true));
    const b = lock.run('vm1', step('b', 1));
    const c = lock.run('vm2', step('c', 1));
    await expect(a).rejects.toThrow('a');
    expect(await b).toBe('b');
    expect(await c).toBe('c');
    expect(log.indexOf('a:end')).toBeLessThan(log.indexOf('b:start'));
    expect(log.indexOf('c:end')).toBeLessThan(log.indexOf('a:end'));
  });
});
