import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchCloud } from './bench-cloud.js';
import type { BenchMetric } from './benchmark.js';
import { summarize } from './bench-stats.js';
import type { BootKind, WorkloadSetup } from './workload-bench-setup.js';
import { bootMarkers } from './workload-bench-setup.js';

/** Wall-clock time comparable with the cloud's own timestamps (same machine, epoch ms). */
export const epochMs = () => performance.timeOrigin + performance.now();

/** One server's boot, in epoch ms: POST sent, ACTIVE (the cloud's launched_at), marker first seen. */
export interface BootSample {
  readonly id: string;
  readonly sentAt: number;
  readonly activeAt: number;
  readonly markerAt: number;
}

export interface WatchOptions {
  /** Pause between polls; the marker time is known to within this (plus one request). */
  readonly everyMs: number;
  readonly timeoutMs: number;
}

type Json = Record<string, unknown>;

/** Nova prints launched_at without a zone ("2026-11-22T08:00:00.123000"); it is UTC. */
const launchedAt = (s: Json) => Date.parse(`${String(s['OS-SRV-USG:launched_at'])}Z`);

/**
 * Boots, watches and deletes servers over the compute API, as a client would. Each boot's
 * ACTIVE time is the `OS-SRV-USG:launched_at` the cloud stamped when it turned ACTIVE (to
 * the millisecond), so how often the client polls does not change that figure. The console
 * marker is polled with os-getConsoleOutput and timed when a reply first shows it.
 */
export class WorkloadBootClient {
  readonly #headers: Readonly<Record<string, string>>;

  constructor(
    readonly c: BenchCloud,
    readonly s: WorkloadSetup,
  ) {
    this.#headers = { 'x-auth-token': s.token };
  }

  /** POST /servers; resolves once the 202 is back, with the moment the request went out. */
  async create(kind: BootKind, name: string): Promise<{ readonly id: string; readonly sentAt: number }> {
    const [flavorRef, imageRef] = [this.s.flavorIds[kind], this.s.imageIds[kind]];
    if (flavorRef === undefined || imageRef === undefined)
      throw new Error(`no ${kind} flavor or image set up`);
    const sentAt = epochMs();
    const reply = await this.c.http.expect(202, {
      method: 'POST',
      url: `${this.s.computeUrl}/servers`,
      headers: this.#headers,
      json: { server: { name, flavorRef, imageRef } },
    });
    return { id: String((JSON.parse(reply.body) as { server: Json }).server['id']), sentAt };
  }

  /** The last `lines` lines of the server's console log. */
  async consoleOutput(id: string, lines: number): Promise<string> {
    const reply = await this.c.http.expect(200, {
      method: 'POST',
      url: `${this.s.computeUrl}/servers/${id}/action`,
      headers: this.#headers,
      json: { 'os-getConsoleOutput': { length: lines } },
    });
    return String((JSON.parse(reply.body) as Json)['output']);
  }

  async #detail(): Promise<Json[]> {
    const reply = await this.c.http.expect(200, {
      method: 'GET',
      url: `${this.s.computeUrl}/servers/detail`,
      headers: this.#headers,
    });
    return (JSON.parse(reply.body) as { servers: Json[] }).servers;
  }

  /** Records launched_at of the servers in `sent` that turned ACTIVE; throws on ERROR. */
  async #noteActive(
    sent: ReadonlyMap<string, number>,
    active: Map<string, number>,
    states: Map<string, string>,
  ): Promise<void> {
    for (const v of await this.#detail()) {
      const id = String(v['id']);
      if (!sent.has(id) || active.has(id)) continue;
      states.set(id, `${String(v['status'])}/${String(v['OS-EXT-STS:task_state'])}`);
      if (v['status'] === 'ERROR') {
        const fault = (v['fault'] as Json | undefined)?.['message'];
        throw new Error(`server ${String(v['name'])} went to ERROR: ${String(fault ?? 'no fault')}`);
      }
      if (v['status'] !== 'ACTIVE') continue;
      active.set(id, launchedAt(v));
      states.delete(id);
    }
  }

  /** Waits until every server in `sent` (id → POST sent) is ACTIVE and shows its boot marker. */
  async watch(kind: BootKind, sent: ReadonlyMap<string, number>, o: WatchOptions): Promise<BootSample[]> {
    const active = new Map<string, number>();
    const marked = new Map<string, number>();
    const states = new Map<string, string>();
    const deadline = performance.now() + o.timeoutMs;
    for (;;) {
      await this.#noteActive(sent, active, states);
      const unmarked = [...active.keys()].filter((id) => !marked.has(id));
      await Promise.all(
        unmarked.map(async (id) => {
          if ((await this.consoleOutput(id, 50)).includes(bootMarkers[kind])) marked.set(id, epochMs());
        }),
      );
      if (marked.size === sent.size) break;
      if (performance.now() > deadline)
        throw new Error(
          `${kind} boot: after ${o.timeoutMs} ms ${active.size} of ${sent.size} ACTIVE, ${marked.size} ` +
            `showed the marker; not ACTIVE: ${JSON.stringify(Object.fromEntries(states))}`,
        );
      await sleep(o.everyMs);
    }
    return [...sent].map(([id, sentAt]) => ({
      id,
      sentAt,
      activeAt: active.get(id)!,
      markerAt: marked.get(id)!,
    }));
  }

  /** DELETE /servers/{id}, then waits until GET answers 404; resolves to the ms that took. */
  async remove(id: string, everyMs = 25, timeoutMs = 60_000): Promise<number> {
    const t0 = performance.now();
    const url = `${this.s.computeUrl}/servers/${id}`;
    const del = await this.c.http.request({ method: 'DELETE', url, headers: this.#headers });
    if (del.status !== 204 && del.status !== 404)
      throw new Error(`DELETE ${url}: expected 204, got ${del.status} ${del.body.slice(0, 200)}`);
    while ((await this.c.http.request({ method: 'GET', url, headers: this.#headers })).status !== 404) {
      if (performance.now() - t0 > timeoutMs) throw new Error(`server ${id} not gone after ${timeoutMs} ms`);
      await sleep(everyMs);
    }
    return performance.now() - t0;
  }

  /** Deletes every server the admin project has and waits until all are gone. */
  async removeAll(timeoutMs = 120_000): Promise<void> {
    const ids = (await this.#detail()).map((v) => String(v['id']));
    await Promise.all(ids.map((id) => this.remove(id, 100, timeoutMs)));
  }
}

/** Boot figures of a set of samples, in ms; the walls run from the first POST to the last event. */
export function bootFigures(samples: ReadonlyArray<BootSample>) {
  const first = Math.min(...samples.map((x) => x.sentAt));
  return {
    toActive: summarize(samples.map((x) => x.activeAt - x.sentAt)),
    toMarker: summarize(samples.map((x) => x.markerAt - x.sentAt)),
    wallToActiveMs: Math.max(...samples.map((x) => x.activeAt)) - first,
    wallToMarkerMs: Math.max(...samples.map((x) => x.markerAt)) - first,
  };
}

/** How long a concurrent batch took, first POST to the last ACTIVE and to the last marker. */
export function wallTimeMetrics(f: ReturnType<typeof bootFigures>): BenchMetric[] {
  return [
    { name: 'concurrent: wall time, first POST to last ACTIVE', value: f.wallToActiveMs / 1000, unit: 's' },
    { name: 'concurrent: wall time, first POST to last marker', value: f.wallToMarkerMs / 1000, unit: 's' },
  ];
}

/** Creates one server, waits for its marker, and deletes it; `deleteMs` is DELETE to 404. */
export async function bootAndDelete(
  client: WorkloadBootClient,
  kind: BootKind,
  name: string,
  o: WatchOptions,
): Promise<BootSample & { readonly deleteMs: number }> {
  const { id, sentAt } = await client.create(kind, name);
  const [sample] = await client.watch(kind, new Map([[id, sentAt]]), o);
  return { ...sample!, deleteMs: await client.remove(id) };
}

/** Creates `count` servers at once (all POSTs in flight together) and waits for every marker. */
export async function bootConcurrently(
  client: WorkloadBootClient,
  kind: BootKind,
  count: number,
  prefix: string,
  o: WatchOptions,
): Promise<BootSample[]> {
  const created = await Promise.all(
    Array.from({ length: count }, (_, i) => client.create(kind, `${prefix}-${i}`)),
  );
  return client.watch(kind, new Map(created.map((x) => [x.id, x.sentAt])), o);
}
