import { chmod, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../../agent/host/command.js';

/**
 * The file backend: each volume is `<dir>/<id>.qcow2` (0600 in a 0700 directory), made
 * with `qemu-img create`. Both operations are idempotent so a reconciler may replay them.
 */
export class VolumePool {
  constructor(readonly dir: string) {}

  pathOf(volumeId: string): string {
    return join(this.dir, `${volumeId}.qcow2`);
  }

  /** Creates (or recreates, after a crash mid-create) an empty volume of `sizeGb` GiB. */
  async create(volumeId: string, sizeGb: number, signal?: AbortSignal): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    const path = this.pathOf(volumeId);
    // qemu-img create truncates a partial file left by a crash, so replaying is safe.
    await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', path, `${sizeGb}G`], {
      ...(signal && { signal }),
      timeoutMs: 60_000,
    });
    await chmod(path, 0o600);
    return path;
  }

  /** Removes the volume's file; a missing file is already removed. */
  async remove(volumeId: string): Promise<void> {
    await rm(this.pathOf(volumeId), { force: true });
  }
}
