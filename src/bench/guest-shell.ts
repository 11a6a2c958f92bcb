import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';

/**
 * The test VM's serial shell (its init starts `sh -i` on ttyS0), driven line by line: a
 * command is followed by an echo of a unique end marker, and `run` resolves when that marker
 * comes back. The guest has no clock finer than a second, so the host times the command.
 */
export class GuestShell {
  #seen = '';
  #next = 0;

  constructor(readonly serial: Duplex) {
    serial.on('data', (b: Buffer) => {
      this.#seen += b.toString('latin1');
      if (this.#seen.length > 1 << 20) this.#seen = this.#seen.slice(-(1 << 16));
    });
  }

  /** Runs `command` in the guest; resolves with its output and the host-measured duration. */
  async run(command: string, timeoutMs: number): Promise<{ readonly output: string; readonly ms: number }> {
    const mark = `strata-done-${this.#next++}`;
    const start = this.#seen.length;
    const t0 = performance.now();
    // The marker is split in the command so the echoed command line never matches it.
    this.serial.write(`${command}; echo "${mark.slice(0, 6)}""${mark.slice(6)} rc=$?"\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.#seen.indexOf(`${mark} rc=`, start);
      if (at >= 0) {
        const ms = performance.now() - t0;
        const rc = /rc=(\d+)/.exec(this.#seen.slice(at))?.[1];
        const output = this.#seen.slice(start, at);
        if (rc !== '0') throw new Error(`guest: "${command}" failed (rc ${rc}): ${output.slice(-300)}`);
        return { output, ms };
      }
      if (Date.now() > deadline) throw new Error(`guest: "${command}" did not finish in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.serial.destroy();
  }
}
