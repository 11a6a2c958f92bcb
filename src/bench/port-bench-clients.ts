import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { BenchHttpClient } from './bench-http.js';

/** What the client thread needs to create ports over the network API. */
export interface PortOrder {
  /** http://127.0.0.1:<port>/network/v2.0 */
  readonly networkUrl: string;
  readonly token: string;
  readonly networkId: string;
  readonly ports: number;
  readonly clients: number;
}

/** Latency of each POST /v2.0/ports (ms), in completion order, and the wall time of the lot. */
export interface PortReplies {
  readonly latencyMs: number[];
  readonly elapsedMs: number;
}

/** `clients` loops POST /v2.0/ports back to back over keep-alive connections until `ports` were made. */
async function createAll(o: PortOrder): Promise<PortReplies> {
  const http = new BenchHttpClient(o.clients);
  const latencyMs: number[] = [];
  let next = 0;
  const client = async () => {
    while (next < o.ports) {
      const n = next++;
      const t0 = performance.now();
      await http.expect(201, {
        method: 'POST',
        url: `${o.networkUrl}/ports`,
        headers: { 'x-auth-token': o.token },
        json: { port: { network_id: o.networkId, name: `bench-port-${n}` } },
      });
      latencyMs.push(performance.now() - t0);
    }
  };
  const start = performance.now();
  try {
    await Promise.all(Array.from({ length: o.clients }, client));
  } finally {
    http.close();
  }
  return { latencyMs, elapsedMs: performance.now() - start };
}

/**
 * Runs the clients on their own thread, as the boot storm does, so their JSON and socket
 * work lands on the second core instead of the cloud's event loop.
 */
export function runPortClients(order: PortOrder): Promise<PortReplies> {
  const worker = new Worker(new URL(import.meta.url), { workerData: order });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: PortReplies) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`port client thread exited with ${code}`)));
  });
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  void createAll(workerData as PortOrder).then(
    (replies) => port.postMessage(replies),
    (err: unknown) => {
      throw err;
    },
  );
}
