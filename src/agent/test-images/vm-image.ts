import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../host/command.js';
import { cacheKey, cachedFile, fileDigest, fileIdentity } from './image-cache.js';
import {
  findHostKernel,
  moduleName,
  readModules,
  resolveModules,
  type HostKernel,
} from './kernel-modules.js';
import { acpiPowerOffScript, guestModules, syslinuxConfig, udhcpcScript } from './vm-guest-files.js';
import { buildInitramfs, initScriptFor } from './vm-initramfs.js';

/** Bump when the image layout changes in a way the inputs do not show. */
const builderVersion = 'vm-test-image/1';
/** 2000-01-01T00:00:00Z: FAT cannot store 1970, and fixed times make the image reproducible. */
const fixedEpoch = 946_684_800;
const MiB = 1024 * 1024;

export interface VmTestImageOptions {
  /** The image is cached here under a name derived from its inputs. */
  readonly cacheDir: string;
  /** Defaults to the newest host kernel with modules (findHostKernel). */
  readonly kernel?: HostKernel;
  /** A statically linked busybox (Debian: busybox-static). */
  readonly busyboxPath?: string;
  readonly signal?: AbortSignal;
}

/** What the image service needs to register the image. */
export interface VmTestImage {
  readonly path: string;
  readonly diskFormat: 'qcow2';
  readonly containerFormat: 'bare';
  readonly sizeBytes: number;
  /** md5 hex of the file, as Glance's `checksum`. */
  readonly checksum: string;
  readonly kernelRelease: string;
}

/**
 * Builds (once per set of inputs) a tiny bootable VM disk: an unpartitioned FAT file system
 * with SYSLINUX, the host's kernel and a busybox initramfs (see vm-guest-files.ts for what
 * the guest prints). No root mounts or loop devices: mtools writes into the image file.
 */
export async function buildVmTestImage(opts: VmTestImageOptions): Promise<VmTestImage> {
  const kernel = opts.kernel ?? (await findHostKernel());
  if (kernel === undefined) throw new Error('no host kernel with modules found under /boot and /lib/modules');
  const busyboxPath = opts.busyboxPath ?? '/bin/busybox';
  const modulePaths = await resolveModules(kernel.modulesDir, guestModules);
  const key = cacheKey([
    builderVersion,
    kernel.release,
    await fileIdentity(kernel.kernelPath),
    await busyboxVersion(busyboxPath),
    await fileIdentity(busyboxPath),
    initScriptFor(modulePaths.map(moduleName)),
    acpiPowerOffScript,
    udhcpcScript,
    syslinuxConfig,
    ...(await Promise.all(modulePaths.map((p) => fileIdentity(join(kernel.modulesDir, p))))),
  ]);
  // The inputs are read only when the image has to be built.
  const path = await cachedFile(opts.cacheDir, `strata-test-vm-${key}.qcow2`, async (out, work) => {
    const modules = await readModules(kernel.modulesDir, modulePaths);
    const initrd = buildInitramfs({ busybox: await readFile(busyboxPath), modules });
    await assembleDisk(work, out, await readFile(kernel.kernelPath), initrd, opts.signal);
  });
  return {
    path,
    diskFormat: 'qcow2',
    containerFormat: 'bare',
    sizeBytes: (await stat(path)).size,
    checksum: await fileDigest(path, 'md5'),
    kernelRelease: kernel.release,
  };
}

async function assembleDisk(
  work: string,
  out: string,
  kernel: Buffer,
  initrd: Buffer,
  signal?: AbortSignal,
): Promise<void> {
  const files = { vmlinuz: kernel, 'initrd.gz': initrd, 'syslinux.cfg': Buffer.from(syslinuxConfig) };
  for (const [name, data] of Object.entries(files)) {
    await writeFile(join(work, name), data);
    await utimes(join(work, name), fixedEpoch, fixedEpoch);
  }
  const raw = join(work, 'disk.img');
  const sizeMiB = Math.ceil((kernel.length + initrd.length) / MiB / 8) * 8 + 8;
  // mtools and syslinux stamp files with SOURCE_DATE_EPOCH instead of the clock.
  const run = (cmd: string, args: string[]) =>
    runCommand(cmd, args, {
      cwd: work,
      env: { ...process.env, SOURCE_DATE_EPOCH: String(fixedEpoch), MTOOLS_SKIP_CHECK: '1' },
      ...(signal && { signal }),
    });
  await run('mkfs.vfat', [
    '--invariant',
    '-i',
    '5354524d',
    '-n',
    'STRATA-TEST',
    '-C',
    raw,
    String(sizeMiB * 1024),
  ]);
  await run('syslinux', ['--install', raw]);
  await run('mcopy', ['-m', '-i', raw, ...Object.keys(files), '::/']);
  await run('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, out]);
}

async function busyboxVersion(path: string): Promise<string> {
  const { stdout } = await runCommand(path, [], { timeoutMs: 10_000 }).catch(() => ({ stdout: '' }));
  return stdout.split('\n')[0] ?? '';
}
