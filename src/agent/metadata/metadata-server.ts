import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { WorkloadSpec } from '../drivers/driver.js';
import { metadataDocument } from './metadata-documents.js';

/** The instance on `networkId` whose port holds `ipAddress`, or undefined when none does. */
export type MetadataLookup = (networkId: string, ipAddress: string) => Promise<WorkloadSpec | undefined>;

/**
 * The agent's metadata listeners: one per network, bound to the network's metadata address
 * (the agent's end of the link from its DHCP namespace), so the address a request came in
 * on names the network and its source address names the instance. Only the instance that
 * owns (network, source address) gets an answer; any other request gets 404.
 */
export class MetadataServer {
  readonly #servers = new Map<string, { readonly address: string; readonly server: Server }>();

  constructor(
    private readonly lookup: MetadataLookup,
    private readonly port: number,
  ) {}

  /** Listens for the network on `address` (idempotent; a new address moves the listener). */
  async serve(networkId: string, address: string): Promise<void> {
    const current = this.#servers.get(networkId);
    if (current?.address === address) return;
    if (current !== undefined) await this.unserve(networkId);
    const server = createServer((req, res) => void this.#answer(networkId, req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: address, port: this.port }, () => resolve());
    });
    this.#servers.set(networkId, { address, server });
  }

  async unserve(networkId: string): Promise<void> {
    const current = this.#servers.get(networkId);
    if (current === undefined) return;
    this.#servers.delete(networkId);
    current.server.closeAllConnections();
    await new Promise<void>((resolve) => current.server.close(() => resolve()));
  }

  async close(): Promise<void> {
    for (const id of [...this.#servers.keys()]) await this.unserve(id);
  }

  async #answer(networkId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const source = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
      const spec =
        req.method === 'GET' || req.method === 'HEAD' ? await this.lookup(networkId, source) : undefined;
      const path = new URL(req.url ?? '/', 'http://metadata').pathname;
      const doc = spec && metadataDocument(spec, path, source);
      if (doc === undefined) return reply(res, 404, 'text/plain; charset=utf-8', Buffer.from('Not Found\n'));
      reply(res, 200, doc.contentType, doc.body, req.method === 'HEAD');
    } catch {
      // Never tell a guest why: the lookup's errors may name host paths.
      reply(res, 500, 'text/plain; charset=utf-8', Buffer.from('Internal Server Error\n'));
    }
  }
}

function reply(res: ServerResponse, status: number, type: string, body: Buffer, headOnly = false): void {
  res.writeHead(status, { 'content-type': type, 'content-length': body.length });
  res.end(headOnly ? undefined : body);
}
