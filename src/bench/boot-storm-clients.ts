import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { BenchHttpClient } from './bench-http.js';

/** What the client thread needs to create servers over HTTP. */
export interface StormOrder {
  readonly computeUrl: string;
  readonly token: string;
  readonly flavorId: string;
  readonly imageId: string;
  /** Each server gets a port on this network. */
  readonly networkId?: string;
  readonly servers: number;
  readonly clients: number;
}

/** One entry per server, in the order the 202s came back; times are epoch ms (sub-ms precision). */
export interface StormReplies {
  readonly ids: string[];
  readonly sentAt: number[];
  readonly repliedAt: number[];
}

/** Wall-clock time comparable across threads and with the cloud's ISO timestamps. */
const epochMs = () => performance.timeOrigin + performance.now();

/** `clients` loops POST /servers back to back over keep-alive connections until `servers` were accepted. */
async function createAll(o: StormOrder): Promise<StormReplies> {
  const http = new BenchHttpClient(o.clients);
  const out: StormReplies = { ids: [], sentAt: [], repliedAt: [] };
  let next = 0;
  const client = async () => {
    while (next < o.servers) {
      const n = next++;
      const sentAt = epochMs();
      const reply = await http.expect(202, {
        method: 'POST',
        url: `${o.computeUrl}/servers`,
        headers: { 'x-auth-token': o.token },
        json: {
          server: {
            name: `storm-${n}`,
            flavorRef: o.flavorId,
            imageRef: o.imageId,
            ...(o.networkId !== undefined && { networks: [{ uuid: o.networkId }] }),
          },
        },
      });
      out.repliedAt.push(epochMs());
      out.sentAt.push(sentAt);
      out.ids.push((JSON.parse(reply.body) as { server: { id: string } }).server.id);
    }
  };
  try {
    await Promise.all(Array.from({ length: o.clients }, client));
  } finally {
    http.close();
  }
  return out;
}

/**
 * Runs the clients on their own thread, so their JSON and socket work lands on the second
 * core instead of the cloud's event loop, as an external client's would.
 */
export function runStormClients(order: StormOrder): Promise<StormReplies> {
  const worker = new Worker(new URL(import.meta.url), { workerData: order });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: StormReplies) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`storm client thread exited with ${code}`)));
  });
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  void createAll(workerData as StormOrder).then(
    (replies) => port.postMessage(replies),
    (err: unknown) => {
      throw err;
    },
  );
}
