import type { SoakReport } from './soak-run.js';

const sorted = <K>(m: Map<K, number>) =>
  [...m.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0])));

/** The soak's summary: counts of operations, answers and faults, then every violation. */
export function formatSoakReport(r: SoakReport): string {
  const t = r.tally;
  const lines = [
    `strata soak: ${r.seconds.toFixed(0)} s`,
    `operations: ${t.operationCount}`,
    ...sorted(t.operations).map(([op, n]) => `  ${op}: ${n}`),
    `answers by status: ${sorted(t.statuses)
      .map(([s, n]) => `${s}=${n}`)
      .join(' ')}`,
    `faults injected: ${t.faultCount}`,
    ...sorted(t.faults).map(([kind, n]) => `  ${kind}: ${n}`),
    `5xx or broken connections while a fault was injected (allowed): ${t.faultErrors + t.brokenConnections}`,
    ...sorted(t.outcomes).map(([what, n]) =>
      `outcome ${what}: ${n} ${t.outcomeSamples.get(what) ?? ''}`.trimEnd(),
    ),
    `acknowledged writes checked: ${r.acknowledgedChecked}`,
    ...r.skipped.map((s) => `skipped: ${s}`),
    `invariant violations: ${t.violations.length}`,
    ...t.violations.map((v) => `  ${v}`),
  ];
  return `${lines.join('\n')}\n`;
}
