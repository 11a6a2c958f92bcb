import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { open, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, runCommand } from '../agent/host/command.js';

/** The data directory the soak's `strata up` runs on, and whether it may be filled to ENOSPC. */
export interface SoakDataDir {
  /** The soak's own temporary folder: the data dir, its backing file and the agent's data dir are in it. */
  readonly base: string;
  readonly path: string;
  /** Why the disk-full fault cannot run here, or undefined when the directory is its own small filesystem. */
  readonly fillMissing: string | undefined;
  dispose(): Promise<void>;
}

/**
 * Sparse backing file: ext4 on it reports this much (placement sees a DISK_GB inventory of
 * about 15) while the real disk only pays for what is written. Filling it uses fallocate,
 * which reserves blocks without writing them, so ENOSPC is cheap and never reaches the host's disk.
 */
const backingBytes = 16 * 2 ** 30;

/**
 * A fresh data dir on a loop-mounted ext4 (root with mkfs.ext4 and mount), else a plain
 * temporary directory on which the disk-full fault is skipped: the real disk is never filled.
 */
export async function makeSoakDataDir(): Promise<SoakDataDir> {
  const base = mkdtempSync(join(tmpdir(), 'strata-soak-'));
  const path = join(base, 'data');
  const missing = loopMissing();
  if (missing !== undefined) {
    mkdirSync(path);
    return {
      base,
      path,
      fillMissing: missing,
      dispose: async () => rmSync(base, { recursive: true, force: true }),
    };
  }
  const backing = join(base, 'fs.img');
  const fh = await open(backing, 'w');
  await fh.truncate(backingBytes);
  await fh.close();
  // -m 0: no blocks reserved for root, since `strata up` runs as root and would use them.
  // Few inodes and a small journal: mkfs and the kernel then write megabytes, not hundreds.
  const mkfs = ['-q', '-F', '-m', '0', '-N', '65536', '-J', 'size=16', backing];
  await runCommand('mkfs.ext4', mkfs, { timeoutMs: 60_000 });
  mkdirSync(path);
  await runCommand('mount', ['-o', 'loop', backing, path], { timeoutMs: 30_000 });
  return {
    base,
    path,
    fillMissing: undefined,
    async dispose() {
      await runCommand('umount', [path], { timeoutMs: 30_000 });
      rmSync(base, { recursive: true, force: true });
    },
  };
}

function loopMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting a small filesystem for the data dir needs root';
  const absent = ['mkfs.ext4', 'mount', 'umount', 'fallocate'].filter((t) => !hasCommand(t));
  return absent.length > 0 ? `${absent.join(', ')} not found` : undefined;
}

/** Takes every free block of the data dir's filesystem, holds it `holdMs`, and frees it again. */
export async function fillDisk(dataDir: string, holdMs: number): Promise<number> {
  const filler = join(dataDir, '.soak-fill');
  try {
    const fs = await statfs(dataDir);
    // A little under the free space, so the extent metadata fits; topUp takes the rest.
    const free = Math.max(0, fs.bavail * fs.bsize - 16 * 2 ** 20);
    await runCommand('fallocate', ['-l', String(free), filler], { timeoutMs: 30_000 });
    await topUp(filler);
    const left = await statfs(dataDir);
    await new Promise((r) => setTimeout(r, holdMs));
    return left.bavail * left.bsize;
  } finally {
    await rm(filler, { force: true });
  }
}

/** Appends small blocks until the filesystem answers ENOSPC (what fallocate's rounding left). */
async function topUp(file: string): Promise<void> {
  const fh = await open(file, 'a');
  const block = Buffer.alloc(64 * 1024);
  try {
    for (let i = 0; i < 10_000; i++) await fh.write(block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    await fh.close();
  }
}
