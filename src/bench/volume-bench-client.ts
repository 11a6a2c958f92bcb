import { performance } from 'node:perf_hooks';
import type { BenchCloud } from './bench-cloud.js';

type Json = Record<string, unknown>;

/** Cinder v3 calls the volume benchmarks make over HTTP, with an admin token. */
export class VolumeBenchClient {
  readonly #headers: Record<string, string>;

  constructor(
    readonly c: BenchCloud,
    readonly projectId: string,
    token: string,
  ) {
    this.#headers = { 'x-auth-token': token, 'openstack-api-version': 'volume 3.0' };
  }

  get volumesUrl(): string {
    return `${this.c.publicUrl}/volume/v3/${this.projectId}/volumes`;
  }

  /** POSTs a volume; resolves with its id. */
  async create(volume: Json): Promise<string> {
    const reply = await this.c.http.expect(202, {
      method: 'POST',
      url: this.volumesUrl,
      headers: this.#headers,
      json: { volume },
    });
    return String(((JSON.parse(reply.body) as Json)['volume'] as Json)['id']);
  }

  async status(id: string): Promise<string> {
    const reply = await this.c.http.expect(200, {
      method: 'GET',
      url: `${this.volumesUrl}/${id}`,
      headers: this.#headers,
    });
    return String(((JSON.parse(reply.body) as Json)['volume'] as Json)['status']);
  }

  /** Polls every `everyMs` until `status`; an error status or the timeout throws. */
  async waitFor(id: string, status: string, everyMs = 10, timeoutMs = 120_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const now = await this.status(id);
      if (now === status) return;
      if (now.startsWith('error')) throw new Error(`volume ${id} went to ${now}`);
      if (performance.now() > deadline) throw new Error(`volume ${id} still ${now} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** POST, then polls until available; resolves with the id and the milliseconds taken. */
  async createAvailable(volume: Json, everyMs = 10): Promise<{ readonly id: string; readonly ms: number }> {
    const t0 = performance.now();
    const id = await this.create(volume);
    await this.waitFor(id, 'available', everyMs);
    return { id, ms: performance.now() - t0 };
  }

  async remove(id: string): Promise<void> {
    await this.c.http.expect(202, {
      method: 'DELETE',
      url: `${this.volumesUrl}/${id}`,
      headers: this.#headers,
    });
  }
}
