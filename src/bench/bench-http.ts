import http from 'node:http';

export interface HttpReply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The body's bytes as they arrived, complete when the request's promise resolves. */
  readonly bytes: Buffer;
  /** The body as UTF-8 text, decoded on first use (so a timer stopped at the last byte leaves it out). */
  readonly body: string;
}

class ReceivedReply implements HttpReply {
  #body: string | undefined;

  constructor(
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    readonly bytes: Buffer,
  ) {}

  get body(): string {
    this.#body ??= this.bytes.toString();
    return this.#body;
  }
}

export interface HttpCall {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  /** Sent as application/octet-stream when there is no `json` (image data). */
  readonly raw?: Buffer;
}

/**
 * A keep-alive HTTP/1.1 client on node:http, as an OpenStack SDK session keeps its
 * connections open. Built-in fetch is avoided: its first call loads undici, which would
 * land in whichever figure happened to make that call.
 */
export class BenchHttpClient {
  readonly #agent: http.Agent;

  constructor(maxSockets: number) {
    this.#agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request(call: HttpCall): Promise<HttpReply> {
    const body = call.json === undefined ? call.raw : JSON.stringify(call.json);
    const headers = {
      ...call.headers,
      ...(body !== undefined && {
        'content-type': call.json === undefined ? 'application/octet-stream' : 'application/json',
        'content-length': Buffer.byteLength(body),
      }),
    };
    return new Promise((resolve, reject) => {
      const req = http.request(call.url, { method: call.method, headers, agent: this.#agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve(new ReceivedReply(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Like request, but a status other than `expect` is an error naming the reply. */
  async expect(status: number, call: HttpCall): Promise<HttpReply> {
    const reply = await this.request(call);
    if (reply.status !== status) {
      throw new Error(
        `${call.method} ${call.url}: expected ${status}, got ${reply.status} ${reply.body.slice(0, 200)}`,
      );
    }
    return reply;
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** Keystone v3 password authentication, scoped to a project; names resolve in the given domain. */
export function passwordAuthBody(
  user: string,
  password: string,
  project: string,
  domain: { readonly id: string } | { readonly name: string },
) {
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user, domain, password } } },
      scope: { project: { name: project, domain } },
    },
  };
}
