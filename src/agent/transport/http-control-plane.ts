import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, utimes } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type {
  AssignedDevices,
  AssignedServer,
  ConsoleLogReader,
  ControlPlane,
  DeviceControlPlane,
  DeviceOutcome,
  HostControlPlane,
  HostRegistration,
  ImageControlPlane,
  NetworkControlPlane,
  ServerControlPlane,
  StepOutcome,
} from './control-plane.js';
import type { HostNetworkState } from '../dataplane/host-network-state.js';
import type { WorkloadSpec } from '../drivers/driver.js';
import { ImageDownloads } from './image-downloads.js';

/** A Keystone password credential, as clouds.yaml's `auth` block has it. */
export interface ServiceCredential {
  readonly authUrl: string;
  readonly username: string;
  readonly password: string;
  readonly projectName: string;
  readonly userDomainName?: string;
  readonly projectDomainName?: string;
}

export interface HttpControlPlaneOptions {
  readonly credential: ServiceCredential;
  /** Where image data downloaded from the image service is kept for the drivers. */
  readonly imageCacheDir: string;
  readonly log: Logger;
}

type Watcher = (serverId: string) => void;
/** One long poll per host feeds the server, device and network watchers. */
interface Poll {
  readonly stop: AbortController;
  readonly server: Set<Watcher>;
  readonly devices: Set<Watcher>;
  readonly network: Set<Watcher>;
}

interface Session {
  readonly token: string;
  readonly expiresAt: number;
  readonly compute: string;
  readonly image: string;
}

/**
 * The control plane for an agent on another host: the calls of control-plane.ts over
 * Strata's agent API (/compute/agent/v1), authenticated with a service credential.
 * Image data is fetched from the image service into a local cache, so drivers see a
 * local path just as in the all-in-one. Change notices arrive by long poll.
 */
export class HttpControlPlane implements ControlPlane, HostControlPlane, ServerControlPlane {
  readonly hosts: HostControlPlane = this;
  readonly servers: ServerControlPlane = this;
  readonly devices: DeviceControlPlane;
  readonly networks: NetworkControlPlane;
  readonly images: ImageControlPlane = {
    liveImages: async (ids) => {
      const live: string[] = [];
      // The route takes 1000 ids a call.
      for (let i = 0; i < ids.length; i += 1000) {
        const body = { images: ids.slice(i, i + 1000) };
        live.push(
          ...((await this.#call('POST', '/agent/v1/live-images', body)) as { images: string[] }).images,
        );
      }
      return live;
    },
  };
  readonly downloads: ImageDownloads;
  #session: Session | undefined;
  #consoleReader: ConsoleLogReader | undefined;
  readonly #polls = new Map<string, Poll>();

  constructor(private readonly o: HttpControlPlaneOptions) {
    this.downloads = new ImageDownloads(o.imageCacheDir);
    this.devices = {
      listPending: async (hostname) =>
        ((await this.#call('GET', `${this.#host(hostname)}/device-servers`)) as { servers: string[] })
          .servers,
      getAssigned: async (hostname, serverId) =>
        (
          (await this.#call(
            'GET',
            `${this.#host(hostname)}/servers/${serverId}/devices`,
            undefined,
            [404],
          )) as { devices: AssignedDevices } | undefined
        )?.devices,
      report: async (hostname, attachmentId, generation, outcome: DeviceOutcome) =>
        (
          (await this.#call('POST', `${this.#host(hostname)}/device-attachments/${attachmentId}/outcome`, {
            generation,
            outcome,
          })) as { accepted: boolean }
        ).accepted,
      watch: (hostname, onChange) => this.#watch(hostname, 'devices', onChange),
      reportPort: async (hostname, serverId, portId, status, vifType) =>
        (
          (await this.#call('POST', `${this.#host(hostname)}/servers/${serverId}/ports/${portId}/status`, {
            status,
            vif_type: vifType,
          })) as { accepted: boolean }
        ).accepted,
    };
    this.networks = {
      hostState: async (hostname) =>
        ((await this.#call('GET', `${this.#host(hostname)}/network-state`)) as { network: HostNetworkState })
          .network,
      watch: (hostname, onChange) => this.#watch(hostname, 'network', () => onChange()),
      instanceAt: async (hostname, networkId, ip) =>
        (
          (await this.#call(
            'GET',
            `${this.#host(hostname)}/networks/${encodeURIComponent(networkId)}/instances/${encodeURIComponent(ip)}`,
            undefined,
            [404],
          )) as { instance: WorkloadSpec } | undefined
        )?.instance,
      reportServicePorts: async (hostname, statuses, vifType) =>
        (
          (await this.#call('POST', `${this.#host(hostname)}/network-ports/status`, {
            ports: statuses.map((s) => ({ port_id: s.portId, status: s.status })),
            vif_type: vifType,
          })) as { accepted: string[] }
        ).accepted,
    };
  }

  async registerHost(reg: HostRegistration): Promise<void> {
    await this.#call('PUT', this.#host(reg.hostname), reg);
  }

  async heartbeat(hostname: string): Promise<void> {
    await this.#call('POST', `${this.#host(hostname)}/heartbeat`);
  }

  async listAssigned(hostname: string): Promise<ReadonlyArray<string>> {
    return ((await this.#call('GET', `${this.#host(hostname)}/servers`)) as { servers: string[] }).servers;
  }

  async deletedAmong(serverIds: ReadonlyArray<string>): Promise<ReadonlyArray<string>> {
    if (serverIds.length === 0) return [];
    const body = { servers: serverIds };
    return ((await this.#call('POST', '/agent/v1/deleted-servers', body)) as { servers: string[] }).servers;
  }

  async getAssigned(hostname: string, serverId: string): Promise<AssignedServer | undefined> {
    const found = (await this.#call(
      'GET',
      `${this.#host(hostname)}/servers/${serverId}`,
      undefined,
      [404],
    )) as { server: AssignedServer } | undefined;
    if (found === undefined) return undefined;
    const s = found.server;
    if (s.spec.image.path === undefined) return s;
    // The path is the control plane's; this host reads its own copy.
    const path = await this.#localImage(s.spec.image.id);
    return { ...s, spec: { ...s.spec, image: { ...s.spec.image, path } } };
  }

  async report(
    hostname: string,
    serverId: string,
    generation: number,
    outcome: StepOutcome,
  ): Promise<boolean> {
    const url = `${this.#host(hostname)}/servers/${serverId}/outcome`;
    return ((await this.#call('POST', url, { generation, outcome })) as { accepted: boolean }).accepted;
  }

  async uploadSnapshot(
    hostname: string,
    serverId: string,
    data: NodeJS.ReadableStream | Buffer,
  ): Promise<void> {
    const s = await this.getAssigned(hostname, serverId);
    if (s?.pendingImageId === undefined) throw new Error(`no snapshot pending for ${serverId}`);
    const session = await this.#sessionFor();
    const res = await fetch(`${session.image}/v2/images/${s.pendingImageId}/file`, {
      method: 'PUT',
      headers: { 'x-auth-token': session.token, 'content-type': 'application/octet-stream' },
      body: Buffer.isBuffer(data)
        ? data
        : (Readable.from(data as AsyncIterable<Buffer>) as unknown as ReadableStream),
      duplex: 'half',
    } as RequestInit);
    if (!res.ok) throw new Error(`snapshot upload failed: ${res.status} ${await res.text()}`);
  }

  /** Requests arrive on the same long poll as the change notices (see #poll). */
  serveConsoleLogs(_hostname: string, read: ConsoleLogReader): void {
    this.#consoleReader = read;
  }

  watch(hostname: string, onChange: Watcher): () => void {
    return this.#watch(hostname, 'server', onChange);
  }

  #watch(hostname: string, topic: 'server' | 'devices' | 'network', onChange: Watcher): () => void {
    let poll = this.#polls.get(hostname);
    if (poll === undefined) {
      poll = { stop: new AbortController(), server: new Set(), devices: new Set(), network: new Set() };
      this.#polls.set(hostname, poll);
      void this.#poll(hostname, poll, poll.stop.signal);
    }
    const p = poll;
    p[topic].add(onChange);
    return () => {
      p[topic].delete(onChange);
      if (p.server.size + p.devices.size + p.network.size > 0) return;
      p.stop.abort();
      this.#polls.delete(hostname);
    };
  }

  async #poll(hostname: string, watchers: Poll, signal: AbortSignal): Promise<void> {
    let after = 0;
    while (!signal.aborted) {
      try {
        const url = `${this.#host(hostname)}/changes?after=${after}&wait_ms=20000`;
        const r = (await this.#call('GET', url, undefined, [], signal)) as {
          seq: number;
          serverIds: string[];
          deviceServerIds: string[];
          consoleRequests: Array<{ id: string; serverId: string; lines?: number }>;
          network?: boolean;
          resync?: boolean;
        };
        after = r.seq;
        for (const id of r.serverIds) for (const w of watchers.server) w(id);
        for (const id of r.deviceServerIds) for (const w of watchers.devices) w(id);
        if (r.network === true || r.resync === true) for (const w of watchers.network) w('');
        for (const req of r.consoleRequests) void this.#answerConsole(hostname, req);
      } catch (err) {
        if (signal.aborted) return;
        this.o.log.warn({ err }, 'change notices unavailable; retrying (resyncs still run)');
        await new Promise((r) => setTimeout(r, 2000).unref());
      }
    }
  }

  async #answerConsole(
    hostname: string,
    req: { id: string; serverId: string; lines?: number },
  ): Promise<void> {
    let reply: { output?: string; error?: string };
    try {
      if (this.#consoleReader === undefined) throw new Error('this host serves no console logs');
      reply = { output: await this.#consoleReader(req.serverId, req.lines) };
    } catch (err) {
      reply = { error: err instanceof Error ? err.message : String(err) };
    }
    await this.#call('POST', `${this.#host(hostname)}/console-requests/${req.id}`, reply).catch(
      (err: unknown) => this.o.log.warn({ err, serverId: req.serverId }, 'console log reply failed'),
    );
  }

  #host(hostname: string): string {
    return `/agent/v1/hosts/${encodeURIComponent(hostname)}`;
  }

  /** Image data from the image service, downloaded once into the cache. */
  async #localImage(imageId: string): Promise<string> {
    const path = this.downloads.path(imageId);
    // A use restarts its unused age (see ImageDownloads).
    const now = new Date();
    if (
      await utimes(path, now, now).then(
        () => true,
        () => false,
      )
    )
      return path;
    await mkdir(this.o.imageCacheDir, { recursive: true });
    const session = await this.#sessionFor();
    const res = await fetch(`${session.image}/v2/images/${imageId}/file`, {
      headers: { 'x-auth-token': session.token },
    });
    if (!res.ok || res.body === null) throw new Error(`image ${imageId} download failed: ${res.status}`);
    const tmp = `${path}.${process.pid}.${Date.now()}.part`;
    try {
      await pipeline(Readable.fromWeb(res.body as never), createWriteStream(tmp));
      await rename(tmp, path);
    } finally {
      await rm(tmp, { force: true });
    }
    return path;
  }

  async #call(
    method: string,
    path: string,
    body?: unknown,
    okMissing: ReadonlyArray<number> = [],
    signal?: AbortSignal,
  ): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const session = await this.#sessionFor();
      const res = await fetch(`${session.compute}${path}`, {
        method,
        headers: {
          'x-auth-token': session.token,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        ...(signal && { signal }),
      });
      if (res.status === 401 && attempt === 0) {
        this.#session = undefined; // expired or revoked: log in again once
        continue;
      }
      if (okMissing.includes(res.status)) return undefined;
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.status === 204 ? undefined : res.json();
    }
  }

  async #sessionFor(): Promise<Session> {
    if (this.#session !== undefined && this.#session.expiresAt - Date.now() > 60_000) return this.#session;
    const c = this.o.credential;
    const res = await fetch(`${c.authUrl.replace(/\/$/, '')}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: {
                name: c.username,
                password: c.password,
                domain: { name: c.userDomainName ?? 'Default' },
              },
            },
          },
          scope: { project: { name: c.projectName, domain: { name: c.projectDomainName ?? 'Default' } } },
        },
      }),
    });
    if (!res.ok) throw new Error(`authentication to ${c.authUrl} failed: ${res.status} ${await res.text()}`);
    const token = res.headers.get('x-subject-token') ?? '';
    const body = (await res.json()) as {
      token: {
        expires_at: string;
        catalog: Array<{ type: string; endpoints: Array<{ interface: string; url: string }> }>;
      };
    };
    const endpoint = (type: string) => {
      const url = body.token.catalog
        .find((s) => s.type === type)
        ?.endpoints.find((e) => e.interface === 'public')?.url;
      if (url === undefined) throw new Error(`the catalog has no public ${type} endpoint`);
      return url.replace(/\/$/, '');
    };
    this.#session = {
      token,
      expiresAt: Date.parse(body.token.expires_at),
      compute: endpoint('compute').replace(/\/v2(\.1)?(\/.*)?$/, ''),
      image: endpoint('image'),
    };
    return this.#session;
  }
}
