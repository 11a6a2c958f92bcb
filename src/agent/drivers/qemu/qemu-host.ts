import { statfs } from 'node:fs/promises';
import { arch, cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { runCommand } from '../../host/command.js';
import type { HostFacts } from '../driver.js';
import type { AcceleratorProbe } from './accel-probe-cache.js';

/**
 * Placement traits of a qemu host. CUSTOM_STRATA_VM is what the scheduler requires for VM
 * images; CUSTOM_STRATA_DRIVER_QEMU names the driver (placement only accepts standard or
 * CUSTOM_ traits); COMPUTE_IMAGE_TYPE_* and HW_ARCH_* are the standard os-traits names of
 * the disk formats it boots and of the host architecture.
 */
export const qemuDriverTrait = 'CUSTOM_STRATA_DRIVER_QEMU';
export const vmKindTrait = 'CUSTOM_STRATA_VM';
/** The disk formats it boots, as Nova's image-type prefilter asks for them. */
export const imageTypeTraits = ['COMPUTE_IMAGE_TYPE_QCOW2', 'COMPUTE_IMAGE_TYPE_RAW'] as const;

const archTraits: Readonly<Record<string, string>> = {
  x64: 'HW_ARCH_X86_64',
  arm64: 'HW_ARCH_AARCH64',
  ppc64: 'HW_ARCH_PPC64LE',
  s390x: 'HW_ARCH_S390X',
  riscv64: 'HW_ARCH_RISCV64',
};

const GiB = 1024 ** 3;

/** This host's real capacity: CPUs, memory, and free disk where the overlays live. */
export async function qemuHostFacts(
  stateDir: string,
  binary: string,
  accel: AcceleratorProbe,
): Promise<HostFacts> {
  const [disk, version] = await Promise.all([freeDiskBytes(stateDir), qemuVersion(binary)]);
  const archTrait = archTraits[arch()];
  return {
    vcpus: cpus().length,
    memoryMb: Math.floor(totalmem() / (1024 * 1024)),
    diskGb: Math.floor(disk / GiB),
    traits: [qemuDriverTrait, vmKindTrait, ...imageTypeTraits, ...(archTrait ? [archTrait] : [])],
    details: {
      accelerator: accel.accelerator,
      acceleratorReason: accel.reason,
      qemuVersion: version,
      qemuBinary: binary,
      stateDir,
    },
  };
}

/** Free space of the file system holding `dir` (or its nearest existing parent). */
async function freeDiskBytes(dir: string): Promise<number> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      const s = await statfs(d);
      return s.bavail * s.bsize;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || d === dirname(d)) throw err;
    }
  }
}

async function qemuVersion(binary: string): Promise<string> {
  const { stdout } = await runCommand(binary, ['--version'], { timeoutMs: 10_000 });
  return /version (\S+)/.exec(stdout)?.[1] ?? stdout.split('\n')[0] ?? 'unknown';
}
