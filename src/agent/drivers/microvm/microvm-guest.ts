import { readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { cpioNewc, type CpioEntry } from '../../test-images/cpio-newc.js';
import { cacheKey, cachedFile, fileIdentity } from '../../test-images/image-cache.js';
import {
  findHostKernel,
  moduleName,
  readModules,
  resolveModules,
  type HostKernel,
} from '../../test-images/kernel-modules.js';
import type { ImageRunConfig } from '../runc/oci-image.js';
import { processArgs, processEnv } from '../runc/runtime-spec.js';
import { shellQuote } from '../qemu/qemu-vm.js';

/**
 * The guest side of a VM-isolated container: the host's kernel and a busybox initramfs whose
 * init mounts the container's root disk (/dev/vda, ext4), gives it /proc, /sys and /dev,
 * and runs the image's entrypoint in it (chroot, working dir, environment) with its output
 * on the serial console. When the entrypoint exits the VM powers off, as a container stops
 * when its process ends; the ACPI power button sends it SIGTERM first (graceful stop).
 */

/** virtio-mmio (microvm has no PCI), the root disk, and the ACPI power button. ext4 is built in. */
export const microvmGuestModules = ['virtio_mmio', 'virtio_blk', 'button', 'evdev'] as const;

/** Bump when the initramfs layout changes in a way its inputs do not show. */
const builderVersion = 'microvm-initramfs/1';

/** Where each workload's run configuration lands in the guest (a second, appended cpio). */
const runConfigPath = 'strata/run.sh';

/** The guest's PID 1. Everything but the entrypoint runs from the initramfs's busybox. */
export function microvmInitScript(moduleFiles: ReadonlyArray<string>): string {
  return `#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in ${moduleFiles.join(' ')}; do insmod "/lib/modules/$m"; done
say() { echo "strata-microvm: $*" > /dev/console; }
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
mount -t ext4 /dev/vda /newroot || { say "cannot mount the root disk"; poweroff -f; }
. /${runConfigPath}
hostname "$STRATA_HOSTNAME"
for d in proc sys dev; do mkdir -p "/newroot/$d"; done
mount -t proc proc /newroot/proc
mount -t sysfs sys /newroot/sys
mount -t devtmpfs dev /newroot/dev
# The image may have no shell: the entrypoint is started by a busybox kept on /dev (a tmpfs).
mkdir -p /newroot/dev/.strata && cp /bin/busybox /newroot/dev/.strata/busybox
acpid -c /etc/acpi -l /dev/null
chroot /newroot /dev/.strata/busybox sh -c 'cd "$1" || exit 127; shift; exec /dev/.strata/busybox env -i "$@"' \\
  sh "$STRATA_CWD" "$@" &
echo $! > /run/entrypoint.pid
wait $!
say "the entrypoint exited with status $?"
sync
umount /newroot/dev /newroot/sys /newroot/proc /newroot 2>/dev/null
poweroff -f
`;
}

/** Run by acpid on a power-button press: SIGTERM to the entrypoint, forced power-off after 10 s. */
export const microvmPowerButtonScript = `#!/bin/sh
kill -TERM "$(cat /run/entrypoint.pid)" 2>/dev/null
sleep 10
echo "strata-microvm: the entrypoint ignored SIGTERM; powering off" > /dev/console
sync
poweroff -f
`;

/** The shell the init sources: hostname, working dir, then `NAME=value... argv...` as "$@". */
export function runConfigScript(run: ImageRunConfig, hostname: string): string {
  const home = run.user === '' || run.user === 'root' || run.user === '0' ? '/root' : '/';
  const words = [...processEnv(run.env, hostname, home), ...processArgs(run)];
  return [
    `STRATA_HOSTNAME=${shellQuote(hostname)}`,
    `STRATA_CWD=${shellQuote(run.workingDir === '' ? '/' : run.workingDir)}`,
    `set -- ${words.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}

/** The per-workload part, appended to the shared initramfs (the kernel unpacks both). */
export function runConfigArchive(run: ImageRunConfig, hostname: string): Buffer {
  const entries: CpioEntry[] = [
    { kind: 'dir', path: 'strata' },
    { kind: 'file', path: runConfigPath, data: Buffer.from(runConfigScript(run, hostname)) },
  ];
  return gzipSync(cpioNewc(entries), { level: 9 });
}

export interface MicrovmGuest {
  readonly kernel: HostKernel;
  /** The shared initramfs (busybox, modules, init), cached. */
  readonly initramfs: string;
}

/** The host kernel and the initramfs for it, built once per set of inputs under `cacheDir`. */
export async function microvmGuest(cacheDir: string, busyboxPath = '/bin/busybox'): Promise<MicrovmGuest> {
  const kernel = await findHostKernel();
  if (kernel === undefined) throw new Error('microvm driver: no host kernel with modules under /boot');
  const modulePaths = await resolveModules(kernel.modulesDir, microvmGuestModules);
  const init = microvmInitScript(modulePaths.map((p) => `${moduleName(p)}.ko`));
  const key = cacheKey([
    builderVersion,
    kernel.release,
    await fileIdentity(busyboxPath),
    init,
    microvmPowerButtonScript,
  ]);
  const initramfs = await cachedFile(cacheDir, `microvm-initramfs-${key}.cpio.gz`, async (out) => {
    const modules = await readModules(kernel.modulesDir, modulePaths);
    await writeFile(out, baseArchive(await readFile(busyboxPath), modules, init));
  });
  return { kernel, initramfs };
}

function baseArchive(
  busybox: Buffer,
  modules: ReadonlyArray<{ name: string; data: Buffer }>,
  init: string,
): Buffer {
  const dirs = ['bin', 'dev', 'etc', 'etc/acpi', 'etc/acpi/PWRF', 'lib', 'lib/modules', 'newroot'];
  const entries: CpioEntry[] = [
    ...[...dirs, 'proc', 'run', 'sys', 'tmp'].map((path): CpioEntry => ({ kind: 'dir', path })),
    // The kernel opens /dev/console for init's stdio before devtmpfs is mounted.
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'file', path: 'bin/busybox', data: busybox, mode: 0o755 },
    { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
    {
      kind: 'file',
      path: 'etc/acpi/PWRF/00000080',
      data: Buffer.from(microvmPowerButtonScript),
      mode: 0o755,
    },
    ...modules.map((m): CpioEntry => ({ kind: 'file', path: `lib/modules/${m.name}.ko`, data: m.data })),
    { kind: 'file', path: 'init', data: Buffer.from(init), mode: 0o755 },
  ];
  return gzipSync(cpioNewc(entries), { level: 9 });
}
