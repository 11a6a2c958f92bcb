import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../../agent/host/command.js';
import { QmpClient, QmpError } from '../../agent/drivers/qemu/qmp-client.js';
import type { ExportSpec, NbdAddress, NbdExportServer } from './nbd-export-server.js';

const startTimeoutMs = 15_000;

/** The block node of a volume in the daemon: one per volume, shared by its exports (multiattach). */
export function exportNodeOf(volumeId: string): string {
  return `vol-${createHash('sha256').update(volumeId).digest('hex').slice(0, 12)}`;
}

interface LiveExport {
  readonly id: string;
  readonly 'node-name': string;
}

/**
 * The NBD export server as one `qemu-storage-daemon` (QEMU's block layer without a VM):
 * started daemonized, so it outlives a control plane killed with -9 and remote VMs keep
 * their disks; driven over its QMP socket in `dir`. A daemon that died (kill -9) is
 * started again by the next sync, with every wanted export.
 */
export class QemuStorageDaemon implements NbdExportServer {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    readonly address: NbdAddress,
    /** With TLS: the directory of the server's keys.psk (nbd-psk-keys.ts); clients must hold a key. */
    readonly tlsDir?: string,
  ) {}

  get socketPath(): string {
    return join(this.dir, 'qsd.sock');
  }

  get pidPath(): string {
    return join(this.dir, 'qsd.pid');
  }

  sync(want: ReadonlyArray<ExportSpec>, signal?: AbortSignal): Promise<void> {
    return this.#serial(async () => {
      const qmp = await this.#session(want.length > 0, signal);
      if (qmp === undefined) return;
      try {
        await applyExports(qmp, want);
      } finally {
        qmp.close();
      }
    });
  }

  served(): Promise<ReadonlyArray<string>> {
    return this.#serial(async () => {
      const qmp = await this.#session(false);
      if (qmp === undefined) return [];
      try {
        return (await qmp.execute<LiveExport[]>('query-block-exports')).map((e) => e.id);
      } finally {
        qmp.close();
      }
    });
  }

  grow(volumeId: string, sizeBytes: number, signal?: AbortSignal): Promise<boolean> {
    return this.#serial(async () => {
      const qmp = await this.#session(false, signal);
      if (qmp === undefined) return false;
      try {
        const node = exportNodeOf(volumeId);
        const nodes = await qmp.execute<Array<{ 'node-name': string; image: { 'virtual-size': number } }>>(
          'query-named-block-nodes',
          { flat: true },
        );
        const now = nodes.find((n) => n['node-name'] === node)?.image['virtual-size'];
        if (now === undefined) return false;
        if (now < sizeBytes) await resizeUnderExports(qmp, node, sizeBytes);
        return true;
      } finally {
        qmp.close();
      }
    });
  }

  stop(): Promise<void> {
    return this.#serial(async () => {
      await this.#kill();
    });
  }

  /** The daemon's pid when it runs (its pid file names a live qemu-storage-daemon of this dir). */
  async pid(): Promise<number | undefined> {
    const text = await readFile(this.pidPath, 'utf8').catch(() => '');
    const pid = Number(text.trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    // A recycled pid belongs to someone else: never signal it.
    return cmdline.includes('qemu-storage-daemon') && cmdline.includes(this.socketPath) ? pid : undefined;
  }

  async #servesTls(): Promise<boolean> {
    const cmdline = await readFile(`/proc/${await this.pid()}/cmdline`, 'utf8').catch(() => '');
    return cmdline.includes('tls-creds=nbd-tls');
  }

  /** One QMP session at a time: the daemon's monitor serves a single client. */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** A session with the running daemon, starting it when `start` (else undefined while down). */
  async #session(start: boolean, signal?: AbortSignal): Promise<QmpClient | undefined> {
    // A daemon started before TLS was turned on (or off) serves the wrong way: restarted.
    if ((await this.pid()) !== undefined && (await this.#servesTls()) === (this.tlsDir !== undefined)) {
      const qmp = await QmpClient.connect(this.socketPath, 2_000).catch(() => undefined);
      if (qmp !== undefined) return qmp;
    }
    if (!start) return undefined;
    await this.#kill();
    await this.#start(signal);
    return QmpClient.connect(this.socketPath, 5_000);
  }

  async #start(signal?: AbortSignal): Promise<void> {
    const { host, port, bind } = this.address;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // QEMU loads the PSK file at start: it must exist, even before any host has a key.
    if (this.tlsDir !== undefined) await ensurePskFile(this.tlsDir);
    await runCommand(
      'qemu-storage-daemon',
      [
        '--daemonize',
        ...['--pidfile', this.pidPath],
        ...['--chardev', `socket,id=qmp,path=${this.socketPath},server=on,wait=off`],
        ...['--monitor', 'chardev=qmp'],
        ...(this.tlsDir === undefined
          ? []
          : [
              '--object',
              `tls-creds-psk,id=nbd-tls,endpoint=server,dir=${this.tlsDir.replaceAll(',', ',,')}`,
            ]),
        ...[
          '--nbd-server',
          `addr.type=inet,addr.host=${bind ?? host},addr.port=${port}` +
            (this.tlsDir === undefined ? '' : ',tls-creds=nbd-tls'),
        ],
      ],
      { timeoutMs: startTimeoutMs, ...(signal && { signal }) },
    );
  }

  /** Kills a daemon that does not answer (or on stop), and clears its files. */
  async #kill(): Promise<void> {
    const pid = await this.pid();
    if (pid !== undefined) {
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 100 && (await this.pid()) !== undefined; i++) await sleep(20);
    }
    await rm(this.socketPath, { force: true });
    await rm(this.pidPath, { force: true });
  }
}

/** Removes the exports not wanted, adds the missing ones, and drops block nodes no export uses. */
async function applyExports(qmp: QmpClient, want: ReadonlyArray<ExportSpec>): Promise<void> {
  const live = await qmp.execute<LiveExport[]>('query-block-exports');
  const wanted = new Map(want.map((w) => [w.name, w]));
  for (const e of live.filter((x) => !wanted.has(x.id)))
    await qmp.execute('block-export-del', { id: e.id, mode: 'hard' });
  const nodes = new Set(
    (await qmp.execute<Array<{ 'node-name': string }>>('query-named-block-nodes', { flat: true })).map(
      (n) => n['node-name'],
    ),
  );
  const liveIds = new Set(live.map((e) => e.id));
  for (const w of want) {
    const node = exportNodeOf(w.volumeId);
    if (!nodes.has(node)) {
      await qmp.execute('blockdev-add', {
        driver: 'qcow2',
        'node-name': node,
        discard: 'unmap',
        file: { driver: 'file', filename: w.path },
      });
      nodes.add(node);
    }
    if (!liveIds.has(w.name))
      await qmp.execute('block-export-add', {
        type: 'nbd',
        id: w.name,
        'node-name': node,
        name: w.name,
        writable: !w.readOnly,
      });
  }
  await dropUnusedNodes(qmp, new Set(want.map((w) => exportNodeOf(w.volumeId))), nodes);
}

async function dropUnusedNodes(qmp: QmpClient, used: Set<string>, nodes: Set<string>): Promise<void> {
  for (const node of [...nodes].filter((n) => /^vol-[0-9a-f]{12}$/.test(n) && !used.has(n))) {
    try {
      await qmp.execute('blockdev-del', { 'node-name': node });
    } catch (err) {
      // An export still shutting down holds the node: the next sync drops it.
      if (!(err instanceof QmpError)) throw err;
    }
  }
}

/**
 * An NBD export never shares the resize permission (NBD has no way to tell a connected
 * client the size changed), so the node's exports go first, hard (their clients are cut
 * off and reconnect), and the next sync adds them back at the new size.
 */
async function resizeUnderExports(qmp: QmpClient, node: string, sizeBytes: number): Promise<void> {
  const on = async () =>
    (await qmp.execute<LiveExport[]>('query-block-exports')).filter((e) => e['node-name'] === node);
  for (const e of await on()) await qmp.execute('block-export-del', { id: e.id, mode: 'hard' });
  for (let i = 0; i < 100 && (await on()).length > 0; i++) await sleep(20);
  await qmp.execute('block_resize', { 'node-name': node, size: sizeBytes });
}

async function ensurePskFile(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'keys.psk'), '', { flag: 'a', mode: 0o600 });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
