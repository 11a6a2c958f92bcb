import { constants, open as openCallback } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open, rm, stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { promisify } from 'node:util';
import { runCommand } from '../../host/command.js';
import { ConsoleLineDiscipline, ConsoleOutputTranslator } from './runc-console-line.js';
import { processGone } from './runc-process.js';

const openFd = promisify(openCallback);
const pollMs = 50;
/** How often the tail checks that the container's init still runs. */
const aliveEveryPolls = 20;
const readChunk = 64 * 1024;

/**
 * Makes `path` the FIFO a container's stdin reads (again after a host reboot took /run, or
 * when something else sits there).
 */
export async function ensureConsoleFifo(path: string): Promise<void> {
  const s = await stat(path).catch(() => undefined);
  if (s?.isFIFO()) return;
  if (s !== undefined) await rm(path, { recursive: true, force: true });
  await runCommand('mkfifo', ['-m', '600', path], { timeoutMs: 10_000 });
}

/**
 * The FIFO opened read-write for the container's stdin: holding a write end itself, the
 * container never reads end-of-file when no console is connected (or the agent restarts).
 */
export function openConsoleStdin(path: string): Promise<FileHandle> {
  return open(path, constants.O_RDWR);
}

/** Whether the process `pid` reads its stdin from the FIFO at `path` (not /dev/null, as before consoles). */
export async function readsConsoleFifo(pid: number, path: string): Promise<boolean> {
  const [fd0, fifo] = await Promise.all([
    stat(`/proc/${pid}/fd/0`).catch(() => undefined),
    stat(path).catch(() => undefined),
  ]);
  return fd0 !== undefined && fifo !== undefined && fd0.dev === fifo.dev && fd0.ino === fifo.ino;
}

/**
 * A live console on a container without a terminal: keystrokes go through a line
 * discipline into the FIFO its init reads as stdin, and what it writes from now on is read
 * back from the console log (which keeps recording) as it grows. Ends when the container's
 * init exits or the FIFO breaks; destroying it leaves the container alone.
 */
export async function openContainerConsole(pid: number, fifoPath: string, logPath: string): Promise<Duplex> {
  const fd = await openFd(fifoPath, constants.O_WRONLY | constants.O_NONBLOCK);
  const stdin = new Socket({ fd, readable: false, writable: true });
  const log = await open(logPath, 'r').catch(async (err: unknown) => {
    stdin.destroy();
    throw err;
  });
  return new ContainerConsole(pid, stdin, log, (await log.stat()).size);
}

class ContainerConsole extends Duplex {
  readonly #line = new ConsoleLineDiscipline();
  readonly #output = new ConsoleOutputTranslator();
  #timer: NodeJS.Timeout | undefined;
  #polls = 0;
  #reading = false;

  constructor(
    readonly pid: number,
    readonly stdin: Socket,
    readonly log: FileHandle,
    /** Where the log is read from next: its end when the console opened (no history). */
    public position: number,
  ) {
    super();
    stdin.on('error', (err) => this.destroy(err));
    this.#schedule();
  }

  override _read(): void {
    this.#schedule();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const { echo, lines } = this.#line.input(chunk);
    if (echo.length > 0) this.push(echo);
    if (lines.length === 0) return done();
    this.stdin.write(Buffer.concat(lines), (err) => done(err));
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.stdin.destroy();
    this.log.close().then(
      () => done(err),
      () => done(err),
    );
  }

  #schedule(): void {
    if (this.#timer === undefined && !this.destroyed)
      this.#timer = setTimeout(() => void this.#poll(), pollMs);
  }

  /** Sends what the log gained since the last look; stops while the reader is behind. */
  async #poll(): Promise<void> {
    this.#timer = undefined;
    // A poll under way schedules the next itself.
    if (this.#reading) return;
    this.#reading = true;
    try {
      if (++this.#polls % aliveEveryPolls === 0 && (await processGone(this.pid))) {
        this.push(null);
        return;
      }
      if (await this.#readNew()) this.#schedule();
    } catch (err) {
      this.destroy(err as Error);
    } finally {
      this.#reading = false;
    }
  }

  async #readNew(): Promise<boolean> {
    const { size } = await this.log.stat();
    // Trimmed (see console-log.ts): what is kept was sent already; go on from the new end.
    if (size < this.position) this.position = size;
    while (this.position < size && !this.destroyed) {
      const buf = Buffer.alloc(Math.min(readChunk, size - this.position));
      const { bytesRead } = await this.log.read(buf, 0, buf.length, this.position);
      if (bytesRead === 0 || this.destroyed) break;
      this.position += bytesRead;
      if (!this.push(this.#output.translate(buf.subarray(0, bytesRead)))) return false;
    }
    return !this.destroyed;
  }
}
