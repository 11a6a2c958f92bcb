import { createHash } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { runCommand } from '../../agent/host/command.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** 1 MiB chunks: small enough that a few changed blocks make a small incremental. */
export const chunkBytes = 1024 * 1024;

/** One chunk of the volume: all zero (stored nowhere) or a gzip file in some backup's folder. */
export interface ManifestChunk {
  readonly sha256: string;
  /** The backup whose folder holds the chunk file; undefined for an all-zero chunk. */
  readonly in?: string;
}

/** What a backup is: the volume's bytes as chunk hashes, each pointing at the backup holding it. */
export interface BackupManifest {
  readonly version: 1;
  readonly backupId: string;
  readonly parentId: string | null;
  readonly sizeBytes: number;
  readonly chunkBytes: number;
  readonly chunks: ReadonlyArray<ManifestChunk>;
}

export interface BackupResult {
  /** Chunk files this backup wrote itself. */
  readonly objectCount: number;
}

const zeroChunk = Buffer.alloc(chunkBytes);
const zeroHash = createHash('sha256').update(zeroChunk).digest('hex');
const chunkFile = (index: number) => `chunk-${String(index).padStart(8, '0')}.gz`;
const manifestFile = 'manifest.json';

/**
 * Indexes of the chunks holding data in a sparse raw file (qemu-img map reads its holes),
 * so a mostly empty volume is not read byte by byte.
 */
async function dataChunks(raw: string, signal?: AbortSignal): Promise<Set<number>> {
  const { stdout } = await runCommand('qemu-img', ['map', '--output=json', '-f', 'raw', raw], {
    ...(signal && { signal }),
    timeoutMs: 600_000,
  });
  const out = new Set<number>();
  for (const e of JSON.parse(stdout) as Array<{ start: number; length: number; data: boolean }>) {
    if (!e.data) continue;
    const last = Math.floor((e.start + e.length - 1) / chunkBytes);
    for (let i = Math.floor(e.start / chunkBytes); i <= last; i++) out.add(i);
  }
  return out;
}

/**
 * The backup directory (0700, files 0600): `<dir>/<backup id>/manifest.json` plus the
 * gzip chunks that backup stored. The manifest is renamed into place last, so a backup
 * folder without one is partial and is started again.
 */
export class BackupRepository {
  constructor(readonly dir: string) {}

  #folder(backupId: string): string {
    return join(this.dir, backupId);
  }

  async #prepare(backupId: string): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    const folder = this.#folder(backupId);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    return folder;
  }

  async manifest(backupId: string): Promise<BackupManifest | undefined> {
    const text = await readFile(join(this.#folder(backupId), manifestFile), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : (JSON.parse(text) as BackupManifest);
  }

  /**
   * Backs up the qcow2 file at `volumePath` (crash-consistent when in use): a full backup
   * stores every non-zero chunk, an incremental only those whose hash differs from the
   * parent's. A partial earlier attempt is discarded first, so this replays after kill -9.
   */
  async backup(
    backupId: string,
    volumePath: string,
    parent: BackupManifest | undefined,
    signal?: AbortSignal,
  ): Promise<BackupResult> {
    await this.discard(backupId);
    const folder = await this.#prepare(backupId);
    const raw = join(folder, 'volume.raw.tmp');
    const opts = { ...(signal && { signal }), timeoutMs: 3_600_000 };
    await runCommand('qemu-img', ['convert', '-U', '-f', 'qcow2', '-O', 'raw', volumePath, raw], opts);
    const chunks: ManifestChunk[] = [];
    let objectCount = 0;
    const withData = await dataChunks(raw, signal);
    const fh = await open(raw, 'r');
    try {
      const { size } = await fh.stat();
      const buf = Buffer.alloc(chunkBytes);
      for (let index = 0; index * chunkBytes < size; index++) {
        signal?.throwIfAborted();
        if (!withData.has(index)) {
          chunks.push({ sha256: zeroHash });
          continue;
        }
        buf.fill(0);
        await fh.read(buf, 0, chunkBytes, index * chunkBytes);
        // Most of a fresh volume is zero: compared before hashing, and never stored.
        if (buf.equals(zeroChunk)) {
          chunks.push({ sha256: zeroHash });
          continue;
        }
        const sha256 = createHash('sha256').update(buf).digest('hex');
        const before = parent?.chunks[index];
        if (before?.sha256 === sha256 && before.in !== undefined) chunks.push(before);
        else {
          await writeFile(join(folder, chunkFile(index)), await gzipAsync(buf), { mode: 0o600 });
          chunks.push({ sha256, in: backupId });
          objectCount++;
        }
      }
      await this.#writeManifest(folder, {
        version: 1,
        backupId,
        parentId: parent?.backupId ?? null,
        sizeBytes: size,
        chunkBytes,
        chunks,
      });
    } finally {
      await fh.close();
      await rm(raw, { force: true });
    }
    return { objectCount };
  }

  async #writeManifest(folder: string, m: BackupManifest): Promise<void> {
    const tmp = join(folder, `${manifestFile}.tmp`);
    await writeFile(tmp, JSON.stringify(m), { mode: 0o600 });
    await rename(tmp, join(folder, manifestFile));
  }

  /**
   * Writes the backup's bytes over the qcow2 file at `volumePath` (its first
   * `sizeBytes`; zero chunks are written as zeros). Idempotent: a replay writes the same.
   */
  async restore(backupId: string, volumePath: string, signal?: AbortSignal): Promise<void> {
    const m = await this.manifest(backupId);
    if (m === undefined) throw new Error(`backup ${backupId} has no manifest`);
    const raw = join(await this.#prepare(backupId), `restore-${process.pid}.raw.tmp`);
    const fh = await open(raw, 'w', 0o600);
    try {
      await fh.truncate(m.sizeBytes);
      for (const [index, c] of m.chunks.entries()) {
        signal?.throwIfAborted();
        if (c.in === undefined) continue;
        const data = await gunzipAsync(await readFile(join(this.#folder(c.in), chunkFile(index))));
        if (createHash('sha256').update(data).digest('hex') !== c.sha256)
          throw new Error(`backup chunk ${index} of ${c.in} is corrupt`);
        await fh.write(
          data,
          0,
          Math.min(data.length, m.sizeBytes - index * m.chunkBytes),
          index * m.chunkBytes,
        );
      }
    } finally {
      await fh.close();
    }
    try {
      // -n: write into the volume's existing file (its backing chain stays).
      await runCommand('qemu-img', ['convert', '-n', '-f', 'raw', '-O', 'qcow2', raw, volumePath], {
        ...(signal && { signal }),
        timeoutMs: 3_600_000,
      });
    } finally {
      await rm(raw, { force: true });
    }
  }

  /** Removes the backup's folder; a missing one is already removed. */
  async discard(backupId: string): Promise<void> {
    await rm(this.#folder(backupId), { recursive: true, force: true });
  }
}
