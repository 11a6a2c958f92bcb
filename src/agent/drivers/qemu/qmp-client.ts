import { connect, type Socket } from 'node:net';

/** A command QEMU rejected: `errorClass` is QMP's class (GenericError, DeviceNotActive, ...). */
export class QmpError extends Error {
  constructor(
    readonly command: string,
    readonly errorClass: string,
    desc: string,
  ) {
    super(`QMP ${command}: ${desc}`);
    this.name = 'QmpError';
  }
}

export interface QmpEvent {
  readonly event: string;
  readonly data?: unknown;
}

/** Splits a byte stream into JSON documents, one per line (QMP ends each with CRLF). */
export class JsonLineSplitter {
  #rest = '';

  push(chunk: string): unknown[] {
    const lines = (this.#rest + chunk).split('\n');
    this.#rest = lines.pop() ?? '';
    return lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  }
}

interface Pending {
  readonly command: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * One QMP session over a unix socket: waits for the greeting, negotiates capabilities,
 * then runs commands matched to replies by id. QEMU serves one QMP client at a time, so
 * callers hold a session briefly (see withQmp) and never across a long wait.
 */
export class QmpClient {
  readonly events: QmpEvent[] = [];
  readonly #socket: Socket;
  readonly #eventWaiters = new Set<(e: QmpEvent) => void>();
  readonly #closeWaiters = new Set<() => void>();
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
  }

  /**
   * Connects and negotiates; rejects after `timeoutMs`. QEMU serves one QMP client at a
   * time and its listen backlog is tiny, so a connect refused with EAGAIN while another
   * session (a hot-plug, a stop) holds QMP is retried until the deadline: a busy QEMU is
   * not a dead one.
   */
  static async connect(path: string, timeoutMs = 5_000): Promise<QmpClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await QmpClient.#connectOnce(path, Math.max(1, deadline - Date.now()));
      } catch (err) {
        if (!(err instanceof Error && err.message.includes('EAGAIN')) || Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  static #connectOnce(path: string, timeoutMs: number): Promise<QmpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      const client = new QmpClient(socket);
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(
        () => fail(new Error(`QMP ${path}: no greeting within ${timeoutMs} ms`)),
        timeoutMs,
      );
      socket.once('error', (err) => fail(new Error(`QMP ${path}: ${err.message}`)));
      client.#listen(() => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.on('error', () => client.#closeAll(new Error('QMP connection error')));
        client.execute('qmp_capabilities', undefined, timeoutMs).then(() => resolve(client), fail);
      });
    });
  }

  /** Runs one command; rejects with QmpError when QEMU answers with an error. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
    if (this.#closed) return Promise.reject(new Error(`QMP ${command}: connection closed`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`QMP ${command}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject, timer });
      this.#socket.write(JSON.stringify({ execute: command, ...(args && { arguments: args }), id }) + '\n');
    });
  }

  /**
   * The first event of this session (already received or still to come) that `match`
   * accepts; undefined after `timeoutMs` or when the connection closes. Events are only
   * delivered to a connected client, so callers re-check state after a new connect.
   */
  waitForEvent(match: (e: QmpEvent) => boolean, timeoutMs: number): Promise<QmpEvent | undefined> {
    const seen = this.events.find(match);
    if (seen || this.#closed) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const done = (e: QmpEvent | undefined) => {
        clearTimeout(timer);
        this.#eventWaiters.delete(waiter);
        this.#closeWaiters.delete(onClose);
        resolve(e);
      };
      const waiter = (e: QmpEvent) => {
        if (match(e)) done(e);
      };
      const onClose = () => done(undefined);
      const timer = setTimeout(onClose, timeoutMs);
      this.#eventWaiters.add(waiter);
      this.#closeWaiters.add(onClose);
    });
  }

  close(): void {
    this.#closeAll(new Error('QMP connection closed'));
    this.#socket.destroy();
  }

  #listen(onGreeting: () => void): void {
    const splitter = new JsonLineSplitter();
    let greeted = false;
    this.#socket.setEncoding('utf8');
    this.#socket.on('data', (chunk: string) => {
      let messages: Record<string, unknown>[];
      try {
        messages = splitter.push(chunk) as Record<string, unknown>[];
      } catch {
        this.#socket.destroy(new Error('malformed QMP message'));
        return;
      }
      for (const msg of messages) {
        if (!greeted && 'QMP' in msg) {
          greeted = true;
          onGreeting();
        } else this.#dispatch(msg);
      }
    });
    this.#socket.on('close', () => this.#closeAll(new Error('QMP connection closed')));
  }

  #dispatch(msg: Record<string, unknown>): void {
    if (typeof msg['event'] === 'string') {
      const e: QmpEvent = { event: msg['event'], data: msg['data'] };
      this.events.push(e);
      for (const w of [...this.#eventWaiters]) w(e);
      return;
    }
    const p = typeof msg['id'] === 'number' ? this.#pending.get(msg['id']) : undefined;
    if (p === undefined) return;
    this.#pending.delete(msg['id'] as number);
    clearTimeout(p.timer);
    const err = msg['error'] as { class?: string; desc?: string } | undefined;
    if (err) p.reject(new QmpError(p.command, err.class ?? 'GenericError', err.desc ?? 'unknown error'));
    else p.resolve(msg['return']);
  }

  #closeAll(err: Error): void {
    this.#closed = true;
    for (const w of [...this.#closeWaiters]) w();
    this.#closeWaiters.clear();
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`QMP ${p.command}: ${err.message}`));
    }
    this.#pending.clear();
  }
}

/** Opens a session, runs `fn`, always closes. */
export async function withQmp<T>(
  path: string,
  fn: (qmp: QmpClient) => Promise<T>,
  timeoutMs = 5_000,
): Promise<T> {
  const qmp = await QmpClient.connect(path, timeoutMs);
  try {
    return await fn(qmp);
  } finally {
    qmp.close();
  }
}
