import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { runCommand } from '../../host/command.js';

/** Where a volume's loop devices and its qemu-storage-daemon's QMP socket are found (mount and grow share it). */

export const qmpSocketDir = '/run/strata/qsd';

/** The QMP socket of the volume's qemu-storage-daemon (in-use extend resizes through it). */
export function qmpSocketOf(staging: string, volumeId: string): string {
  const h = createHash('sha256').update(`${staging}\0${volumeId}`).digest('hex').slice(0, 24);
  return join(qmpSocketDir, `${h}.qmp`);
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
