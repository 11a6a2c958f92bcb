import type { BenchMetric, BenchResult } from './benchmark.js';
import type { MachineInfo } from './machine-info.js';

const headers = ['benchmark', 'figure', 'value', 'unit', 'target', 'status'] as const;

/** Three significant digits at most, no exponent: 0.412, 41.2, 412, 4120. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) || Math.abs(v) >= 100) return Math.round(v).toString();
  return Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(v === 0 || Math.abs(v) >= 1 ? 2 : 3);
}

function statusOf(m: BenchMetric): string {
  if (m.target?.met === undefined) return '';
  return m.target.met ? 'ok' : 'MISSED';
}

function rowsOf(results: ReadonlyArray<BenchResult>): string[][] {
  return results.flatMap((r) => [
    ...(r.skipped === undefined ? [] : [[r.name, `skipped: ${r.skipped}`, '', '', '', 'skipped']]),
    ...r.metrics.map((m) => [
      r.name,
      m.name,
      formatValue(m.value),
      m.unit,
      m.target?.text ?? '',
      statusOf(m),
    ]),
  ]);
}

/** `<benchmark>: <note>` lines for the facts that are not figures, after the table. */
function notesOf(results: ReadonlyArray<BenchResult>): string {
  const lines = results.flatMap((r) => (r.notes ?? []).map((n) => `${r.name}: ${n}`));
  return lines.length === 0 ? '' : `\n${lines.join('\n')}\n`;
}

/** A plain-text table, one row per figure; numbers are right-aligned. */
export function formatTable(results: ReadonlyArray<BenchResult>): string {
  const rows = [[...headers], ...rowsOf(results)];
  const widths = headers.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: ReadonlyArray<string>) =>
    r
      .map((cell, c) => (c === 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n') + '\n' + notesOf(results);
}

export function formatMachine(m: MachineInfo): string {
  return [
    `machine: ${m.cpuModel}, ${m.cpus} CPUs, ${m.memoryGiB} GiB RAM, Linux ${m.kernel}`,
    `node ${m.node}, libuv threadpool ${m.threadpool}, date ${m.date}, load average ${m.loadAverage} at start`,
  ].join('\n');
}

/** True when every figure with a pass/fail target met it. */
export function allTargetsMet(results: ReadonlyArray<BenchResult>): boolean {
  return results.every((r) => r.metrics.every((m) => m.target?.met !== false));
}
