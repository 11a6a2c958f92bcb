/** How many recent changes a host keeps for agents that poll over HTTP. */
const keepPerHost = 1000;

/** The control plane asks a remote agent for a console log; the agent posts the text back. */
export interface ConsoleRequest {
  readonly id: string;
  readonly serverId: string;
  readonly lines?: number;
}

/** What changed for a server: the server itself, its devices, or a console log is wanted. */
export type ChangeTopic = 'server' | 'devices';

interface Change {
  readonly seq: number;
  readonly serverId: string;
  readonly topic: ChangeTopic;
  readonly consoleRequest?: ConsoleRequest;
}

export interface HostChanges {
  readonly seq: number;
  readonly serverIds: string[];
  /** Servers whose devices need the agent (device-controller). */
  readonly deviceServerIds: string[];
  readonly consoleRequests: ConsoleRequest[];
  /** The network service changed since `after`: the host's network controller re-reads its state. */
  readonly network: boolean;
  readonly resync: boolean;
}

/**
 * The change notices of each host, numbered, for remote agents that long-poll. An agent
 * that fell further behind than the kept window is told to resync (`resync: true`); it
 * lists everything assigned anyway on its resync timer, so a lost notice only delays work.
 */
export class HostEvents {
  #seq = 0;
  /** The seq of the last network change (one for every host: each re-reads its own state). */
  #networkSeq = 0;
  readonly #changes = new Map<string, Change[]>();
  /** Per host: the newest change dropped from the window. */
  readonly #droppedUpTo = new Map<string, number>();
  readonly #waiters = new Map<string, Set<() => void>>();

  add(
    hostname: string,
    serverId: string,
    consoleRequest?: ConsoleRequest,
    topic: ChangeTopic = 'server',
  ): void {
    const list = this.#changes.get(hostname) ?? [];
    list.push({ seq: ++this.#seq, serverId, topic, ...(consoleRequest && { consoleRequest }) });
    if (list.length > keepPerHost) {
      const dropped = list.splice(0, list.length - keepPerHost);
      this.#droppedUpTo.set(hostname, dropped[dropped.length - 1]!.seq);
    }
    this.#changes.set(hostname, list);
    for (const wake of this.#waiters.get(hostname) ?? []) wake();
  }

  /** The network service changed something: every host's long poll wakes. */
  networkChanged(): void {
    this.#networkSeq = ++this.#seq;
    for (const waiters of this.#waiters.values()) for (const wake of waiters) wake();
  }

  /** Changes after `after`, waiting up to `waitMs` for the first one. */
  async since(hostname: string, after: number, waitMs: number, signal?: AbortSignal): Promise<HostChanges> {
    const now = this.#read(hostname, after);
    const any =
      now.network || now.serverIds.length + now.deviceServerIds.length + now.consoleRequests.length > 0;
    if (any || now.resync || waitMs <= 0) return now;
    await new Promise<void>((resolve) => {
      const waiters = this.#waiters.get(hostname) ?? new Set();
      this.#waiters.set(hostname, waiters);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      signal?.addEventListener('abort', done);
      waiters.add(done);
    });
    return this.#read(hostname, after);
  }

  #read(hostname: string, after: number): HostChanges {
    const list = this.#changes.get(hostname) ?? [];
    const fresh = list.filter((c) => c.seq > after);
    // Numbers restart with the process: an agent ahead of us, or one that missed the window, resyncs.
    const resync = after > this.#seq || after < (this.#droppedUpTo.get(hostname) ?? 0);
    const ids = (topic: ChangeTopic) => [
      ...new Set(
        fresh.filter((c) => c.consoleRequest === undefined && c.topic === topic).map((c) => c.serverId),
      ),
    ];
    const consoleRequests = fresh.flatMap((c) => (c.consoleRequest ? [c.consoleRequest] : []));
    return {
      seq: this.#seq,
      serverIds: ids('server'),
      deviceServerIds: ids('devices'),
      consoleRequests,
      network: this.#networkSeq > after,
      resync,
    };
  }
}
