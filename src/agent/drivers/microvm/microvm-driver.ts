import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { userCacheDir } from '../../../common/user-cache.js';
import { WorkloadLock } from '../../host/workload-lock.js';
import { specIsolation, vmIsolationTrait } from '../container-isolation.js';
import type {
  ComputeDriver,
  ConsoleLogSupport,
  DriverConfig,
  HostFacts,
  ImageCacheEntry,
  ImageCacheSupport,
  ObservedWorkload,
  PowerObservation,
  SerialConsoleState,
  SerialConsoleSupport,
  StopOptions,
  WorkloadHandle,
  WorkloadSpec,
} from '../driver.js';
import { QemuDriver } from '../qemu/qemu-driver.js';
import { qemuHostFacts } from '../qemu/qemu-host.js';
import { checkSocketPath, isSafeWorkloadId, readVmRecord, type Accelerator } from '../qemu/qemu-workload.js';
import { RootfsCache, type CachedRootfs } from '../runc/rootfs-cache.js';
import { checkImage } from '../runc/runc-observe.js';
import { initramfsPath, rootDiskPath, type MicrovmRecord } from './microvm-args.js';
import { makeRootDisk } from './microvm-disk.js';
import { microvmGuest, runConfigArchive } from './microvm-guest.js';
import { MicrovmRuntime } from './microvm-runtime.js';

export interface MicrovmDriverOptions {
  readonly qemuBinary?: string;
  /** Skip the KVM probe and use this accelerator. */
  readonly accelerator?: Accelerator;
  /** How long the entrypoint gets to exit on a soft reboot (default 30 s). */
  readonly gracefulTimeoutMs?: number;
}

export const microvmDriverTrait = 'CUSTOM_STRATA_DRIVER_MICROVM';

export function createMicrovmDriver(cfg: DriverConfig, options: MicrovmDriverOptions = {}): MicrovmDriver {
  return new MicrovmDriver(cfg, options);
}

/**
 * Containers with `hw:container_isolation=vm`, each in its own QEMU microVM: the image is
 * unpacked by the runc driver's rootfs cache, copied into an ext4 root disk, and run by a
 * small init (microvm-guest.ts) under the host's kernel. Power, console, observe and delete
 * are the qemu driver's own steps (a QemuDriver over a microvm runtime); this driver only
 * makes the workload. Not supported: NICs, volumes, config drive, pause/suspend, snapshot,
 * resize/rebuild (the capabilities say so; create refuses NICs and volumes).
 */
export class MicrovmDriver
  implements ComputeDriver, ConsoleLogSupport, SerialConsoleSupport, ImageCacheSupport
{
  readonly name = 'microvm';
  readonly kinds = ['container'] as const;
  readonly capabilities = {
    console: 'serial-log',
    snapshot: false,
    diskLifecycle: false,
    pause: false,
    suspend: false,
    crashDump: false,
    serialConsole: true,
    deviceAttach: 'none',
  } as const;
  readonly #rt: MicrovmRuntime;
  readonly #qemu: QemuDriver;
  readonly #cache: RootfsCache;
  readonly #lock = new WorkloadLock();

  constructor(
    readonly cfg: DriverConfig,
    options: MicrovmDriverOptions = {},
  ) {
    this.#rt = new MicrovmRuntime({
      stateDir: cfg.stateDir,
      cacheDir: cfg.cacheDir,
      qemuBinary: options.qemuBinary ?? 'qemu-system-x86_64',
      gracefulTimeoutMs: options.gracefulTimeoutMs ?? 30_000,
      detachTimeoutMs: 30_000,
      acceleratorCacheFile: join(userCacheDir(), 'accelerator-probe.json'),
      ...(options.accelerator && { accelerator: options.accelerator }),
      ...(cfg.hostNetns !== undefined && { hostNetns: cfg.hostNetns }),
    });
    this.#qemu = new QemuDriver(this.#rt.cfg, this.#rt);
    this.#cache = new RootfsCache(cfg.cacheDir);
  }

  /** Only containers that ask for VM isolation; the runc driver takes the others. */
  accepts(spec: WorkloadSpec): boolean {
    return specIsolation(spec) === 'vm';
  }

  async probe(_signal?: AbortSignal): Promise<HostFacts> {
    const facts = await qemuHostFacts(
      this.#rt.cfg.stateDir,
      this.#rt.cfg.qemuBinary,
      await this.#rt.accelerator(),
    );
    const archTraits = facts.traits.filter((t) => t.startsWith('HW_ARCH_'));
    return { ...facts, traits: [microvmDriverTrait, vmIsolationTrait, ...archTraits] };
  }

  /** Idempotent: an existing workload is started if needed. Leaves nothing behind when it throws. */
  async create(spec: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle> {
    const source = checkCreatable(spec);
    const paths = this.#rt.paths(spec.workloadId);
    checkSocketPath(paths);
    return this.#lock.run(spec.workloadId, async () => {
      const existing = await readVmRecord(paths.record).catch(() => undefined);
      if (existing) return this.#rt.handle(paths, await this.#rt.start(paths, existing, signal));
      // A directory without a record is a create that died half-way.
      await this.#qemu.destroy(spec.workloadId, signal);
      const image = await this.#cache.hold(source, signal);
      try {
        await mkdir(paths.dir, { recursive: true });
        const rec = await this.#stage(spec, image, signal);
        return await this.#rt.handle(paths, await this.#rt.boot(paths, rec, signal));
      } catch (err) {
        await this.#qemu.destroy(spec.workloadId, signal).catch(() => undefined);
        throw err;
      } finally {
        image.release();
      }
    });
  }

  /** The root disk and the workload's initramfs; the record that boots them. */
  async #stage(spec: WorkloadSpec, image: CachedRootfs, signal: AbortSignal): Promise<MicrovmRecord> {
    const paths = this.#rt.paths(spec.workloadId);
    const guest = await microvmGuest(this.cfg.cacheDir);
    await makeRootDisk(image.rootfs, rootDiskPath(paths), spec.rootGb, signal);
    const initramfs = Buffer.concat([
      await readFile(guest.initramfs),
      runConfigArchive(image.run, spec.hostname),
    ]);
    await writeFile(initramfsPath(paths), initramfs);
    return {
      version: 1,
      workloadId: spec.workloadId,
      name: spec.name,
      vcpus: spec.vcpus,
      memoryMb: spec.memoryMb,
      rootGb: spec.rootGb,
      image: { id: spec.image.id, diskFormat: 'raw', basePath: image.rootfs },
      accelerator: 'tcg',
      power: 'stopped',
      devices: [],
      kernel: guest.kernel.kernelPath,
    };
  }

  start(h: WorkloadHandle, signal: AbortSignal): Promise<void> {
    return this.#qemu.start(h, signal);
  }

  /** The power button: the init sends the entrypoint SIGTERM, then powers off. */
  stop(h: WorkloadHandle, opts: StopOptions, signal: AbortSignal): Promise<void> {
    return this.#qemu.stop(h, opts, signal);
  }

  reboot(h: WorkloadHandle, hard: boolean, signal: AbortSignal): Promise<void> {
    return this.#qemu.reboot(h, hard, signal);
  }

  /** QEMU, the root disk, the initramfs, the sockets: the whole workload directory. */
  destroy(workloadId: string, signal: AbortSignal): Promise<void> {
    return this.#lock.run(workloadId, () => this.#qemu.destroy(workloadId, signal));
  }

  observe(workloadId: string): Promise<ObservedWorkload | undefined> {
    return this.#qemu.observe(workloadId);
  }

  list(): Promise<ReadonlyArray<ObservedWorkload>> {
    return this.#qemu.list();
  }

  recover(h: WorkloadHandle, lastKnown: PowerObservation): Promise<void> {
    return this.#qemu.recover(h, lastKnown);
  }

  consoleLog(h: WorkloadHandle, tailLines?: number): Promise<string> {
    return this.#qemu.consoleLog(h, tailLines);
  }

  serialConsoleState(h: WorkloadHandle): Promise<SerialConsoleState> {
    return this.#qemu.serialConsoleState(h);
  }

  serialConsole(h: WorkloadHandle) {
    return this.#qemu.serialConsole(h);
  }

  /**
   * Unpacked images (runc's cache layout under this driver's cache dir). A root disk is a
   * copy, so an entry is in use only as Nova's cache counts it: a workload here was made
   * from it (its record names it); creates under way hold it through the cache's guard.
   */
  async listImageCache(): Promise<ReadonlyArray<ImageCacheEntry>> {
    const entries = await this.#cache.entries();
    if (entries.length === 0) return [];
    const used = await this.#basesInUse();
    return entries.map((e) => ({
      key: e.dir,
      imageId: e.imageId,
      inUse: used.has(join(e.dir, 'rootfs')),
      lastUsedMs: e.mtimeMs,
    }));
  }

  async touchImageCache(key: string): Promise<void> {
    if (this.#cache.dirOf(basename(key)) === key) await this.#cache.touch(basename(key));
  }

  async removeImageCache(key: string): Promise<boolean> {
    const name = basename(key);
    if (this.#cache.dirOf(name) !== key) return false;
    return this.#cache.remove(name, async (rootfs) => (await this.#basesInUse()).has(rootfs));
  }

  async #basesInUse(): Promise<Set<string>> {
    const ids = (await readdir(this.#rt.cfg.stateDir).catch(() => [] as string[])).filter(isSafeWorkloadId);
    const recs = await Promise.all(
      ids.map((id) => readVmRecord(this.#rt.paths(id).record).catch(() => undefined)),
    );
    return new Set(recs.flatMap((r) => (r === undefined ? [] : [r.image.basePath])));
  }
}

/** A container image asking for VM isolation, with no devices this driver cannot give. */
function checkCreatable(spec: WorkloadSpec): { readonly id: string; readonly path: string } {
  if (specIsolation(spec) !== 'vm')
    throw new Error('microvm driver: runs only containers with hw:container_isolation=vm');
  if (spec.nics.length > 0 || spec.disks.length > 0)
    throw new Error('microvm driver: VM-isolated containers have no NICs or volumes yet');
  return checkImage(spec, true);
}
