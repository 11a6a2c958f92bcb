import { mkdir, statfs } from 'node:fs/promises';
import { availableParallelism, totalmem } from 'node:os';
import type { HostFacts } from '../driver.js';
import type { RootfsMode } from './rootfs.js';
import type { RuncCli } from './runc-cli.js';

/**
 * Traits of a runc host: it runs container images (CUSTOM_STRATA_CONTAINER, which the
 * scheduler requires for container_format docker), which driver it is, and its CPU
 * architecture (placement's standard HW_ARCH_* trait).
 */
export const runcTraits = {
  container: 'CUSTOM_STRATA_CONTAINER',
  driver: 'CUSTOM_STRATA_DRIVER_RUNC',
} as const;

/** Placement's standard architecture trait for Node's name of the CPU. */
export function archTrait(arch: string): string {
  const names: Record<string, string> = { x64: 'X86_64', arm64: 'AARCH64', ppc64: 'PPC64LE', s390x: 'S390X' };
  return `HW_ARCH_${names[arch] ?? arch.toUpperCase()}`;
}

/** The host's real CPUs and memory, and the disk under the state dir (where writable layers live). */
export async function probeHost(
  dirs: { readonly stateDir: string; readonly cacheDir: string },
  runc: RuncCli,
  rootfs: RootfsMode,
): Promise<HostFacts> {
  await mkdir(dirs.stateDir, { recursive: true });
  const fs = await statfs(dirs.stateDir);
  return {
    vcpus: availableParallelism(),
    memoryMb: Math.floor(totalmem() / 2 ** 20),
    diskGb: Math.floor((fs.blocks * fs.bsize) / 2 ** 30),
    traits: [runcTraits.container, runcTraits.driver, archTrait(process.arch)],
    details: {
      runcVersion: await runc.version(),
      rootfs,
      stateDir: dirs.stateDir,
      cacheDir: dirs.cacheDir,
    },
  };
}
