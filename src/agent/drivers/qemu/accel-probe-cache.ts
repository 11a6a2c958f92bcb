import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { commandPath } from '../../host/command.js';
import type { Accelerator } from './qemu-workload.js';

export interface AcceleratorProbe {
  readonly accelerator: Accelerator;
  /** Why: shown in probe() details so an operator sees why a host runs TCG. */
  readonly reason: string;
}

/**
 * The KVM probe's answer, kept on disk for the rest of this boot: a hanging KVM costs the
 * probe its whole timeout, and every `strata up` or agent start would pay it again. The
 * key changes with a reboot, another QEMU binary, another kernel or the device's access.
 */
export interface ProbeCache {
  read(): Promise<AcceleratorProbe | undefined>;
  /** Written whole and renamed into place, so concurrent starts never read half a file. */
  write(probe: AcceleratorProbe): Promise<void>;
}

/** The cache entry in `file` for this boot, QEMU binary, kernel and KVM device; none without a boot id. */
export async function probeCache(
  file: string,
  qemuBinary: string,
  kernel: string | undefined,
  device: string,
): Promise<ProbeCache | undefined> {
  const bootId = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => undefined);
  const qemu = commandPath(qemuBinary);
  if (bootId === undefined || qemu === undefined) return undefined;
  const key = JSON.stringify({
    bootId: bootId.trim(),
    qemu: await identity(qemu),
    kernel: kernel === undefined ? '' : await identity(kernel),
    device: await identity(device),
  });
  return {
    async read() {
      const text = await readFile(file, 'utf8').catch(() => '');
      try {
        const entry = JSON.parse(text) as { key?: string; probe?: AcceleratorProbe };
        return entry.key === key ? entry.probe : undefined;
      } catch {
        return undefined;
      }
    },
    async write(probe) {
      await mkdir(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ key, probe }));
      await rename(tmp, file);
    },
  };
}

async function identity(path: string): Promise<string> {
  const st = await stat(path).catch(() => undefined);
  if (st === undefined) return `${path}:missing`;
  // A device node's times move with use; its number and access rights are what matter.
  const changed = st.isFile() ? `${st.size}:${st.mtimeMs}` : `${st.rdev}`;
  return `${path}:${st.ino}:${changed}:${st.mode}:${st.uid}:${st.gid}`;
}
