/** How long a port's device is waited for after plugPort (a VM or container create is slower). */
const waitMs = 120_000;
const pollMs = 100;

/**
 * Devices a port was plugged for before the driver made them: checked every 100 ms, each
 * plugged once it appears, given up after two minutes (the network controller's sync plugs
 * whatever shows up later). One timer for all, stopped when nothing waits.
 */
export class DeviceWatch {
  readonly #waiting = new Map<string, { readonly plug: () => Promise<void>; readonly until: number }>();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly exists: (device: string) => Promise<unknown>) {}

  add(device: string, plug: () => Promise<void>): void {
    this.#waiting.set(device, { plug, until: Date.now() + waitMs });
    this.#schedule();
  }

  remove(device: string): void {
    this.#waiting.delete(device);
  }

  clear(): void {
    this.#waiting.clear();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#waiting.size === 0) return;
    this.#timer = setTimeout(() => void this.#check(), pollMs);
    this.#timer.unref();
  }

  async #check(): Promise<void> {
    for (const [device, w] of [...this.#waiting]) {
      try {
        if ((await this.exists(device)) !== undefined) {
          await w.plug();
          this.#waiting.delete(device);
        } else if (Date.now() > w.until) this.#waiting.delete(device);
      } catch {
        // Gone again, or the bridge was removed meanwhile: the next sync settles it.
        if (Date.now() > w.until) this.#waiting.delete(device);
      }
    }
    this.#timer = undefined;
    this.#schedule();
  }
}
