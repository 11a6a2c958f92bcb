import type { HttpCall, HttpReply } from '../bench/bench-http.js';
import { BenchHttpClient } from '../bench/bench-http.js';
import { cloudsYamlAuthBody, readCloudsYaml } from '../bench/strata-process.js';
import type { SoakControlPlane } from './soak-control-plane.js';
import type { FaultWindows } from './soak-faults-window.js';
import type { SoakTally } from './soak-tally.js';

export type Json = Record<string, unknown>;

/** A call as the soak's clients make it: a path below the public root, and an operation name to count it under. */
export interface SoakCall {
  readonly op: string;
  readonly method: HttpCall['method'];
  /** e.g. /compute/v2.1/servers */
  readonly path: string;
  readonly json?: unknown;
  readonly raw?: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A reply, or `lost` when the connection broke after the request may have arrived. */
export type SoakReply = HttpReply | 'lost';

const refusedCodes = new Set(['ECONNREFUSED']);
const computeVersion = { 'openstack-api-version': 'compute 2.37' };

/**
 * The admin's HTTP session against the control plane. A refused connection (nothing
 * listening: the control plane is restarting) is retried once it is back, so only the
 * calls that may have reached the server come back `lost`. Every 5xx and broken
 * connection is tallied; outside a fault window it is a violation.
 */
export class SoakApi {
  readonly #http = new BenchHttpClient(16);
  #token: string | undefined;

  constructor(
    private readonly cp: SoakControlPlane,
    private readonly windows: FaultWindows,
    private readonly tally: SoakTally,
  ) {}

  async call(c: SoakCall): Promise<SoakReply> {
    for (let attempt = 0; attempt < 120; attempt++) {
      const reply = await this.#once(c);
      if (reply === 'refused') {
        await this.cp.settled().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (reply !== 'lost' && reply.status === 401 && attempt < 3) {
        this.#token = undefined;
        continue;
      }
      return reply;
    }
    this.tally.violation(`${c.op}: the control plane refused connections for a minute`);
    return 'lost';
  }

  /** Like call, but a compute call carries microversion 2.37 (networks: none). */
  compute(c: SoakCall): Promise<SoakReply> {
    return this.call({ ...c, path: `/compute/v2.1${c.path}`, headers: { ...computeVersion, ...c.headers } });
  }

  async #once(c: SoakCall): Promise<SoakReply | 'refused'> {
    const sent = Date.now();
    try {
      const token = await this.token();
      const reply = await this.#http.request({
        method: c.method,
        url: `${this.cp.url}${c.path}`,
        headers: { 'x-auth-token': token, ...c.headers },
        json: c.json,
        raw: c.raw,
      });
      this.tally.reply(c.op, reply.status, this.windows.covers(sent, Date.now()), reply.body);
      return reply;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (refusedCodes.has(code) || !this.#running()) return 'refused';
      this.tally.broken(c.op, `${code} ${(err as Error).message}`, this.windows.covers(sent, Date.now()));
      return 'lost';
    }
  }

  #running(): boolean {
    try {
      return this.cp.url !== '';
    } catch {
      return false;
    }
  }

  /** The admin's project-scoped token from clouds.yaml, issued again after a 401. */
  async token(): Promise<string> {
    if (this.#token !== undefined) return this.#token;
    const auth = readCloudsYaml(this.cp.dataDir);
    const reply = await this.#http.request({
      method: 'POST',
      url: `${this.cp.url}/identity/v3/auth/tokens`,
      json: cloudsYamlAuthBody(auth),
    });
    if (reply.status !== 201)
      throw new Error(`token issue answered ${reply.status}: ${reply.body.slice(0, 200)}`);
    this.#token = String(reply.headers['x-subject-token']);
    return this.#token;
  }

  close(): void {
    this.#http.close();
  }
}

/** The parsed body of a reply with `status`, else undefined. */
export function bodyIf(reply: SoakReply, status: number): Json | undefined {
  if (reply === 'lost' || reply.status !== status) return undefined;
  return JSON.parse(reply.body) as Json;
}
