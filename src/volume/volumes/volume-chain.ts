import { chmod, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { runCommand } from '../../agent/host/command.js';

const gib = 1024 ** 3;

/** What `qemu-img info` says about one pool file. */
export interface ChainFileInfo {
  readonly virtualSize: number;
  /** The backing file's name in the pool, or undefined for a chain's bottom. */
  readonly backing: string | undefined;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * qcow2 backing chains in one directory. Backing names are stored relative to the pool
 * (qemu resolves them beside the overlay), so the pool can move. Every operation is a
 * replayable sequence of atomic renames over temporary files: a crash anywhere leaves a
 * state the same call finishes.
 */
export class VolumeChain {
  constructor(readonly dir: string) {}

  async info(name: string, signal?: AbortSignal): Promise<ChainFileInfo> {
    // -U: the file may be open in a running VM; only its header is read.
    const { stdout } = await runCommand('qemu-img', ['info', '-U', '--output=json', join(this.dir, name)], {
      ...(signal && { signal }),
      timeoutMs: 30_000,
    });
    const j = JSON.parse(stdout) as { 'virtual-size': number; 'backing-filename'?: string };
    return {
      virtualSize: j['virtual-size'],
      backing: j['backing-filename'] === undefined ? undefined : basename(j['backing-filename']),
    };
  }

  /** Makes `name` a new overlay of `backing` of `sizeGb` GiB (at least the backing's size). */
  async overlay(name: string, backing: string, sizeGb: number, signal?: AbortSignal): Promise<void> {
    const target = join(this.dir, name);
    if (await exists(target)) return;
    const backingSize = (await this.info(backing, signal)).virtualSize;
    const size = Math.max(backingSize, sizeGb * gib);
    const tmp = `${target}.tmp`;
    await runCommand(
      'qemu-img',
      ['create', '-q', '-f', 'qcow2', '-b', backing, '-F', 'qcow2', tmp, `${size}`],
      {
        ...(signal && { signal }),
        cwd: this.dir,
        timeoutMs: 60_000,
      },
    );
    await chmod(tmp, 0o600);
    await rename(tmp, target);
  }

  /**
   * Freezes `top` as `frozen` and layers a fresh `top` over it: the snapshot step. Only for
   * a file nobody has open (a running VM keeps writing the inode it opened).
   */
  async freeze(top: string, frozen: string, signal?: AbortSignal): Promise<void> {
    const topPath = join(this.dir, top);
    const frozenPath = join(this.dir, frozen);
    if (!(await exists(frozenPath))) await rename(topPath, frozenPath);
    const size = (await this.info(frozen, signal)).virtualSize;
    await this.overlay(top, frozen, Math.ceil(size / gib), signal);
  }

  /** A standalone copy of a file that may be in use (crash-consistent), grown to `sizeGb` if larger. */
  async copy(from: string, to: string, sizeGb: number, signal?: AbortSignal): Promise<void> {
    const target = join(this.dir, to);
    if (await exists(target)) return;
    const tmp = `${target}.tmp`;
    const opts = { ...(signal && { signal }), cwd: this.dir, timeoutMs: 3_600_000 };
    await runCommand('qemu-img', ['convert', '-U', '-f', 'qcow2', '-O', 'qcow2', from, tmp], opts);
    if ((await this.info(basename(tmp), signal)).virtualSize < sizeGb * gib)
      await runCommand('qemu-img', ['resize', '-q', '-f', 'qcow2', tmp, `${sizeGb}G`], opts);
    await chmod(tmp, 0o600);
    await rename(tmp, target);
  }

  /** Files whose backing is `name`. */
  async children(name: string, signal?: AbortSignal): Promise<string[]> {
    const files = (await readdir(this.dir).catch(() => [])).filter((f) => f.endsWith('.qcow2'));
    const out: string[] = [];
    for (const f of files) {
      const i = await this.info(f, signal).catch(() => undefined);
      if (i?.backing === name) out.push(f);
    }
    return out;
  }

  /**
   * Takes `name` out of the middle of its chains: each child absorbs what it read from it
   * (safe rebase onto `name`'s own backing), then the file goes. Throws while a child is
   * open for writing elsewhere (qemu's lock), so the caller retries later.
   */
  async unlink(name: string, signal?: AbortSignal): Promise<void> {
    const path = join(this.dir, name);
    if (!(await exists(path))) return;
    const below = (await this.info(name, signal)).backing;
    for (const child of await this.children(name, signal)) {
      await runCommand('qemu-img', ['rebase', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', below ?? '', child], {
        ...(signal && { signal }),
        cwd: this.dir,
        timeoutMs: 3_600_000,
      });
    }
    await rm(path, { force: true });
  }

  /** Removes `name`, then each hidden base under it that nothing else reads any more. */
  async remove(name: string, isHidden: (name: string) => boolean, signal?: AbortSignal): Promise<void> {
    const path = join(this.dir, name);
    const below = (await exists(path)) ? (await this.info(name, signal)).backing : undefined;
    await rm(path, { force: true });
    if (below !== undefined && isHidden(below) && (await this.children(below, signal)).length === 0)
      await this.remove(below, isHidden, signal);
  }
}
