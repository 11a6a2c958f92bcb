/** Reading a Prometheus text exposition (what GET /metrics answers), for the scrape benchmark. */

/** The value of one sample line: the first field after the name and labels (a timestamp may follow). */
function sampleValue(line: string, metric: string): number {
  const labelsEnd = line.startsWith(`${metric}{`) ? line.lastIndexOf('}') + 1 : metric.length;
  return Number(line.slice(labelsEnd).trim().split(/\s+/)[0]);
}

/**
 * The servers `strata_workloads` counts (the sum over its state/driver series): the check
 * that the scrape timed is one that saw every server.
 */
export function workloadsTotal(exposition: string): number {
  const metric = 'strata_workloads';
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `))
    .reduce((n, line) => n + sampleValue(line, metric), 0);
}

/** Sample lines (series) in an exposition: every line that is neither blank nor a comment. */
export const seriesCount = (exposition: string): number =>
  exposition.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
