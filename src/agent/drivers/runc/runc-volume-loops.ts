import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { runCommand } from '../../host/command.js';

/** A unix socket's path is at most 107 bytes (sun_path is 108 with its NUL). */
export const maxSocketPath = 107;

/**
 * The QMP socket of the volume's qemu-storage-daemon (mount and in-use extend share it):
 * beside its FUSE export in the workload's staging directory, inside the data dir. Where
 * that path is too long for a unix socket, a hashed name in the driver's `run/` folder
 * (`<stateDir>/run`, staging being `<stateDir>/<workload>/volumes-staging`).
 */
export function qmpSocketOf(staging: string, volumeId: string): string {
  const beside = join(staging, `${volumeId}.qmp`);
  if (Buffer.byteLength(beside) <= maxSocketPath) return beside;
  const h = createHash('sha256').update(`${staging}\0${volumeId}`).digest('hex').slice(0, 24);
  const short = join(dirname(dirname(staging)), 'run', `${h}.qmp`);
  if (Buffer.byteLength(short) > maxSocketPath)
    throw new Error(`runc driver: the data dir's path is too long for a QMP socket (${short})`);
  return short;
}

export async function loopsOn(file: string): Promise<string[]> {
  const { stdout } = await runCommand('losetup', ['--noheadings', '--output', 'NAME', '--associated', file], {
    timeoutMs: 60_000,
  }).catch(() => ({ stdout: '' }));
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}
