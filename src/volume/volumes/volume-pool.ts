import { chmod, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../../agent/host/command.js';
import { VolumeChain } from './volume-chain.js';

const volumeFile = (id: string) => `${id}.qcow2`;
const snapshotFile = (id: string) => `snapshot-${id}.qcow2`;
const baseFile = (id: string) => `base-${id}.qcow2`;
const isHiddenBase = (name: string) => name.startsWith('base-');

/**
 * The file backend: each volume is `<dir>/<id>.qcow2` (0600 in a 0700 directory), made
 * with `qemu-img create`. A snapshot freezes the volume's file as `snapshot-<id>.qcow2`
 * under a new overlay; volumes from a snapshot are overlays of it; a clone freezes its
 * source as a hidden `base-<clone id>.qcow2` both then share. Every operation is
 * idempotent so a reconciler may replay it.
 */
export class VolumePool {
  readonly #chain: VolumeChain;
  /** Chain changes run one at a time: two clones of one source must not freeze it together. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {
    this.#chain = new VolumeChain(dir);
  }

  pathOf(volumeId: string): string {
    return join(this.dir, volumeFile(volumeId));
  }

  /** A snapshot's frozen file (read by backups of the snapshot). */
  snapshotPathOf(snapshotId: string): string {
    return join(this.dir, snapshotFile(snapshotId));
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(work, work);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #prepare(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
  }

  /** Snapshot of a volume nothing has open: its file becomes the snapshot, under a new overlay. */
  async snapshot(volumeId: string, snapshotId: string, signal?: AbortSignal): Promise<void> {
    await this.#exclusive(() => this.#chain.freeze(volumeFile(volumeId), snapshotFile(snapshotId), signal));
  }

  /** Snapshot of a volume in use (force): a crash-consistent standalone copy. */
  async snapshotInUse(volumeId: string, snapshotId: string, signal?: AbortSignal): Promise<void> {
    await this.#exclusive(() => this.#chain.copy(volumeFile(volumeId), snapshotFile(snapshotId), 0, signal));
  }

  async fromSnapshot(
    volumeId: string,
    snapshotId: string,
    sizeGb: number,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.#prepare();
    await this.#exclusive(() =>
      this.#chain.overlay(volumeFile(volumeId), snapshotFile(snapshotId), sizeGb, signal),
    );
  }

  /**
   * A clone of `sourceId`: copy-on-write over a hidden base when the source is not open
   * (`live` false), else a crash-consistent copy.
   */
  async clone(
    volumeId: string,
    sourceId: string,
    sizeGb: number,
    live: boolean,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.#prepare();
    await this.#exclusive(async () => {
      if (live) return this.#chain.copy(volumeFile(sourceId), volumeFile(volumeId), sizeGb, signal);
      await this.#chain.freeze(volumeFile(sourceId), baseFile(volumeId), signal);
      await this.#chain.overlay(volumeFile(volumeId), baseFile(volumeId), sizeGb, signal);
    });
  }

  /** Grows the volume's file to `sizeGb` GiB (idempotent: an absolute size). */
  async extend(volumeId: string, sizeGb: number, signal?: AbortSignal): Promise<void> {
    await this.#exclusive(() =>
      runCommand('qemu-img', ['resize', '-q', '-f', 'qcow2', this.pathOf(volumeId), `${sizeGb}G`], {
        ...(signal && { signal }),
        timeoutMs: 60_000,
      }),
    );
  }

  /** Removes a snapshot's file, merging it into what reads it; throws while one of them is open. */
  async removeSnapshot(snapshotId: string, signal?: AbortSignal): Promise<void> {
    await this.#exclusive(() => this.#chain.unlink(snapshotFile(snapshotId), signal));
  }

  /** Creates (or recreates, after a crash mid-create) an empty volume of `sizeGb` GiB. */
  async create(volumeId: string, sizeGb: number, signal?: AbortSignal): Promise<string> {
    await this.#prepare();
    const path = this.pathOf(volumeId);
    // qemu-img create truncates a partial file left by a crash, so replaying is safe.
    await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', path, `${sizeGb}G`], {
      ...(signal && { signal }),
      timeoutMs: 60_000,
    });
    await chmod(path, 0o600);
    return path;
  }

  /**
   * The volume's file as a sparse qcow2 conversion of an image's data, grown to `sizeGb`.
   * Converting into a `.part` file renamed into place makes a replay start over cleanly.
   */
  async fromImage(
    volumeId: string,
    imagePath: string,
    imageFormat: 'raw' | 'qcow2',
    sizeGb: number,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.#prepare();
    const path = this.pathOf(volumeId);
    const part = `${path}.part`;
    const opts = { ...(signal && { signal }), timeoutMs: 3_600_000 };
    await runCommand('qemu-img', ['convert', '-q', '-f', imageFormat, '-O', 'qcow2', imagePath, part], opts);
    await runCommand('qemu-img', ['resize', '-q', '-f', 'qcow2', part, `${sizeGb}G`], opts);
    await chmod(part, 0o600);
    await rename(part, path);
  }

  /**
   * A standalone copy of the volume's data (its backing chain flattened) in `format`,
   * for an image upload; `-U` so a crash-consistent copy of an open file is possible.
   */
  async exportTo(
    volumeId: string,
    target: string,
    format: 'raw' | 'qcow2',
    signal?: AbortSignal,
  ): Promise<void> {
    await runCommand(
      'qemu-img',
      ['convert', '-q', '-U', '-f', 'qcow2', '-O', format, this.pathOf(volumeId), target],
      { ...(signal && { signal }), timeoutMs: 3_600_000 },
    );
  }

  /** Removes the volume's file and hidden bases nothing reads any more; a missing file is already removed. */
  async remove(volumeId: string, signal?: AbortSignal): Promise<void> {
    await this.#exclusive(() => this.#chain.remove(volumeFile(volumeId), isHiddenBase, signal));
  }
}
