import { gzipSync } from 'node:zlib';
import { cpioNewc, type CpioEntry } from './cpio-newc.js';
import type { KernelModule } from './kernel-modules.js';
import {
  acpiHandlerPath,
  acpiPowerOffScript,
  guestInitScript,
  udhcpcScript,
  udhcpcScriptPath,
} from './vm-guest-files.js';

export interface InitramfsInputs {
  /** A statically linked busybox: the guest has no libc. */
  readonly busybox: Buffer;
  /** In load order. */
  readonly modules: ReadonlyArray<KernelModule>;
}

/** The guest's init script for these modules (part of the image's cache key). */
export function initScriptFor(moduleNames: ReadonlyArray<string>): string {
  return guestInitScript(moduleNames.map((name) => `${name}.ko`));
}

/** The whole guest root file system as a gzipped newc cpio (deterministic bytes). */
export function buildInitramfs(inputs: InitramfsInputs): Buffer {
  const dirs = [
    'bin',
    'dev',
    'etc',
    'etc/acpi',
    'etc/acpi/PWRF',
    'lib',
    'lib/modules',
    'mnt',
    'proc',
    'sys',
    'tmp',
  ];
  const entries: CpioEntry[] = [
    ...dirs.map((path): CpioEntry => ({ kind: 'dir', path })),
    // Before devtmpfs is mounted the kernel opens /dev/console for init's stdio.
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'file', path: 'bin/busybox', data: inputs.busybox, mode: 0o755 },
    { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
    { kind: 'file', path: acpiHandlerPath, data: Buffer.from(acpiPowerOffScript), mode: 0o755 },
    { kind: 'file', path: udhcpcScriptPath, data: Buffer.from(udhcpcScript), mode: 0o755 },
    ...inputs.modules.map((m): CpioEntry => ({
      kind: 'file',
      path: `lib/modules/${m.name}.ko`,
      data: m.data,
    })),
    {
      kind: 'file',
      path: 'init',
      data: Buffer.from(initScriptFor(inputs.modules.map((m) => m.name))),
      mode: 0o755,
    },
  ];
  // gzip with no name and mtime 0: reproducible.
  return gzipSync(cpioNewc(entries), { level: 9 });
}
