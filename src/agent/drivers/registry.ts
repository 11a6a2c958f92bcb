import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hasCommand } from '../host/command.js';
import type { ComputeDriver, DriverConfig } from './driver.js';
import { DriverSet } from './driver-set.js';
import { FakeDriver } from './fake/fake-driver.js';
import { createMicrovmDriver } from './microvm/microvm-driver.js';
import { createQemuDriver } from './qemu/qemu-driver.js';
import { createRuncDriver } from './runc/runc-driver.js';

export interface DriverEntry {
  create(cfg: DriverConfig): ComputeDriver;
  /** What this host lacks to run the driver (tools, privileges), or undefined when it can. */
  missing(): string | undefined;
  /** Whether `auto` picks it when it can run (the fake driver never is). */
  readonly real: boolean;
}

/** Tools a driver needs that are not on PATH, as its `missing()` answer. */
export function missingTools(...tools: string[]): string | undefined {
  const absent = tools.filter((t) => !hasCommand(t));
  return absent.length > 0 ? `${absent.join(', ')} not found` : undefined;
}

/** The microvm driver boots the host's own kernel (/boot/vmlinuz-<release>). */
function missingHostKernel(): string | undefined {
  const names = existsSync('/boot') ? readdirSync('/boot') : [];
  return names.some((n) => n.startsWith('vmlinuz-')) ? undefined : 'no kernel under /boot';
}

/** Adding a driver: one folder under drivers/ and one entry here. */
export const drivers = {
  fake: {
    create: (cfg) => new FakeDriver(cfg.fake ?? { vcpus: 1000, memoryMb: 1_048_576, diskGb: 100_000 }),
    missing: () => undefined,
    real: false,
  },
  qemu: {
    create: createQemuDriver,
    missing: () => missingTools('qemu-system-x86_64', 'qemu-img', 'xorriso'),
    real: true,
  },
  microvm: {
    create: createMicrovmDriver,
    missing: () =>
      process.getuid?.() !== 0
        ? 'microvm needs root'
        : (missingTools('qemu-system-x86_64', 'mkfs.ext4') ?? missingHostKernel()),
    real: true,
  },
  runc: {
    create: createRuncDriver,
    missing: () => (process.getuid?.() !== 0 ? 'runc needs root' : missingTools('runc', 'ip')),
    real: true,
  },
} as const satisfies Record<string, DriverEntry>;

export type DriverName = keyof typeof drivers;

export function isDriverName(name: string): name is DriverName {
  return Object.hasOwn(drivers, name);
}

/** The real drivers this host can run, in registry order (what `compute_driver: auto` picks). */
export function availableDrivers(): DriverName[] {
  return (Object.keys(drivers) as DriverName[]).filter(
    (n) => drivers[n].real && drivers[n].missing() === undefined,
  );
}

/**
 * The driver a host agent runs for `names`, each with its own state and cache folders under
 * the data dir; several become one DriverSet. Throws, naming what is missing, when this
 * host cannot run one of them.
 */
export function hostDriver(names: ReadonlyArray<string>, dataDir: string): ComputeDriver {
  const made = names.map((name) => {
    if (!isDriverName(name))
      throw new Error(`unknown compute driver '${name}' (known: ${Object.keys(drivers).join(', ')})`);
    const why = drivers[name].missing();
    if (why !== undefined) throw new Error(`compute driver ${name} cannot run on this host: ${why}`);
    return drivers[name].create({
      stateDir: join(dataDir, 'instances', name),
      cacheDir: join(dataDir, 'cache', name),
    });
  });
  return made.length === 1 ? made[0]! : new DriverSet(made);
}
