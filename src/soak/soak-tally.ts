/** What the soak counts: operations by name and outcome, faults injected, and invariant violations. */
export class SoakTally {
  readonly operations = new Map<string, number>();
  readonly statuses = new Map<number, number>();
  readonly faults = new Map<string, number>();
  readonly violations: string[] = [];
  /** 5xx answers and broken connections while a fault was being injected (allowed). */
  faultErrors = 0;
  brokenConnections = 0;

  reply(op: string, status: number, inFault: boolean, body: string): void {
    this.operations.set(op, (this.operations.get(op) ?? 0) + 1);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status < 500) return;
    if (inFault) this.faultErrors++;
    else this.violation(`${op}: ${status} outside any fault: ${body.slice(0, 300)}`);
  }

  broken(op: string, why: string, inFault: boolean): void {
    this.operations.set(op, (this.operations.get(op) ?? 0) + 1);
    this.brokenConnections++;
    if (!inFault) this.violation(`${op}: connection broke outside any fault: ${why}`);
  }

  /** Outcomes worth a count but no violation, e.g. a server that ended in ERROR (first message kept). */
  readonly outcomes = new Map<string, number>();
  readonly outcomeSamples = new Map<string, string>();

  outcome(what: string, sample = ''): void {
    this.outcomes.set(what, (this.outcomes.get(what) ?? 0) + 1);
    if (!this.outcomeSamples.has(what) && sample !== '') this.outcomeSamples.set(what, sample);
  }

  fault(kind: string): void {
    this.faults.set(kind, (this.faults.get(kind) ?? 0) + 1);
  }

  violation(what: string): void {
    this.violations.push(what);
  }

  get operationCount(): number {
    return [...this.operations.values()].reduce((a, b) => a + b, 0);
  }

  get faultCount(): number {
    return [...this.faults.values()].reduce((a, b) => a + b, 0);
  }
}
