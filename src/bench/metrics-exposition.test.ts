import { describe, expect, it } from 'vitest';
import { seriesCount, workloadsTotal } from './metrics-exposition.js';

const exposition = [
  '# HELP strata_workloads Servers that exist, by vm_state and by the driver of their host.',
  '# TYPE strata_workloads gauge',
  'strata_workloads{state="active",driver="fake"} 9990',
  'strata_workloads{state="error",driver="none"} 10 1765100000000',
  '# HELP strata_workloads_other Not the gauge itself.',
  'strata_workloads_other 500',
  'strata_controller_queue_depth{controller="instance"} 0',
  '',
].join('\n');

describe('reading a /metrics exposition', () => {
  it('sums every strata_workloads series, ignoring timestamps and look-alike names', () => {
    expect(workloadsTotal(exposition)).toBe(10_000);
  });

  it('counts a gauge without labels, and nothing when the gauge is absent', () => {
    expect(workloadsTotal('strata_workloads 3\n')).toBe(3);
    expect(workloadsTotal('# TYPE up gauge\nup 1\n')).toBe(0);
  });

  it('counts sample lines, not comments or blank lines', () => {
    expect(seriesCount(exposition)).toBe(4);
  });
});
