/** One statement shape's totals. */
export interface StatementShapeStats {
  readonly shape: string;
  readonly calls: number;
  readonly totalMs: number;
}

/**
 * Counts and times SQL statements by shape (the text with bind lists and multi-row VALUES
 * folded), so the statements a request costs can be read off a run instead of guessed.
 * Opt-in (`STRATA_SQL_PROFILE=1`): the timing costs a clock read per statement.
 */
export class StatementProfile {
  #byText = new Map<string, { calls: number; totalMs: number }>();

  record(sql: string, ms: number): void {
    const entry = this.#byText.get(sql);
    if (entry === undefined) this.#byText.set(sql, { calls: 1, totalMs: ms });
    else {
      entry.calls += 1;
      entry.totalMs += ms;
    }
  }

  /** Shapes by total time, highest first. Texts are folded into shapes only here, off the hot path. */
  shapes(): StatementShapeStats[] {
    const byShape = new Map<string, { calls: number; totalMs: number }>();
    for (const [sql, e] of this.#byText) {
      const shape = statementShape(sql);
      const s = byShape.get(shape);
      if (s === undefined) byShape.set(shape, { ...e });
      else {
        s.calls += e.calls;
        s.totalMs += e.totalMs;
      }
    }
    return [...byShape].map(([shape, s]) => ({ shape, ...s })).sort((a, b) => b.totalMs - a.totalMs);
  }

  reset(): void {
    this.#byText.clear();
  }

  /**
   * A plain-text table: calls, total ms, mean µs, and `per` (calls and ms per unit) when the
   * caller knows how many units of work (servers, requests) the statements served.
   */
  format(per?: { unit: string; count: number }): string {
    const shapes = this.shapes();
    const calls = shapes.reduce((n, s) => n + s.calls, 0);
    const ms = shapes.reduce((n, s) => n + s.totalMs, 0);
    const perUnit = per !== undefined && per.count > 0 ? per : undefined;
    const head = `SQL profile: ${calls} statements, ${ms.toFixed(1)} ms, ${shapes.length} shapes`;
    const tail =
      perUnit === undefined
        ? ''
        : `; per ${perUnit.unit}: ${(calls / perUnit.count).toFixed(2)} statements, ${(ms / perUnit.count).toFixed(3)} ms`;
    const rows = shapes.map((s) => {
      const perCall = perUnit === undefined ? '' : `${(s.calls / perUnit.count).toFixed(2).padStart(8)} `;
      const mean = ((s.totalMs / s.calls) * 1000).toFixed(0);
      return `${String(s.calls).padStart(8)} ${perCall}${s.totalMs.toFixed(1).padStart(9)} ms ${mean.padStart(6)} µs  ${s.shape.slice(0, 200)}`;
    });
    return [head + tail, ...rows].join('\n');
  }
}

const bind = String.raw`(?:\?|\$\d+)`;
const bindList = new RegExp(String.raw`\(\s*${bind}(?:\s*,\s*${bind})*\s*\)`, 'g');
const rowList = /\(\?…\)(?:\s*,\s*\(\?…\))+/g;

/** The statement with every bind list as `(?…)` and repeated VALUES rows as one, `$n` as `?`. */
export function statementShape(sql: string): string {
  return sql
    .replace(/\s+/g, ' ')
    .trim()
    .replace(bindList, '(?…)')
    .replace(rowList, '(?…), …')
    .replace(/\$\d+/g, '?');
}

let processProfile: StatementProfile | undefined;

/**
 * The profile `STRATA_SQL_PROFILE=1` asks for: one per process, shared by every database it
 * opens, printed to stderr when the process exits.
 */
export function statementProfileFromEnv(env: NodeJS.ProcessEnv = process.env): StatementProfile | undefined {
  if (env.STRATA_SQL_PROFILE !== '1') return undefined;
  if (processProfile === undefined) {
    const profile = new StatementProfile();
    process.once('exit', () => process.stderr.write(`${profile.format()}\n`));
    processProfile = profile;
  }
  return processProfile;
}
