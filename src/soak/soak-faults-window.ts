/** Time spans (Date.now() ms) during which a fault was being injected, plus a short grace after. */
export class FaultWindows {
  readonly #spans: Array<{ from: number; to: number }> = [];
  readonly #open = new Set<{ from: number }>();

  constructor(private readonly graceMs: number) {}

  /** Opens a window now; the returned function closes it. */
  open(): () => void {
    const span = { from: Date.now() };
    this.#open.add(span);
    return () => {
      this.#open.delete(span);
      this.#spans.push({ from: span.from, to: Date.now() + this.graceMs });
    };
  }

  /** Whether [from, to] overlaps a fault (a request sent before a kill may fail after it). */
  covers(from: number, to: number): boolean {
    if (this.#open.size > 0) return true;
    return this.#spans.some((s) => s.from <= to && from <= s.to);
  }
}
