import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Duplex, Readable } from 'node:stream';
import { writeConfigDriveTree } from '../../config-drive/config-drive.js';
import type {
  ComputeDriver,
  ConsoleLogSupport,
  DeviceAttachSupport,
  DeviceRef,
  DiskLifecycleSupport,
  HostFacts,
  ObservedWorkload,
  PowerObservation,
  PowerStateSupport,
  SerialConsoleState,
  SerialConsoleSupport,
  SnapshotSupport,
  StopOptions,
  WorkloadDevice,
  WorkloadHandle,
  WorkloadSpec,
  DriverConfig,
  ImageCacheEntry,
  ImageCacheSupport,
} from '../driver.js';
import { tailConsoleLog, trimConsoleLog } from '../../host/console-log.js';
import type { RootfsMode } from './rootfs.js';
import { mountsUnder, overlayLowerDirs, overlayUsable, prepareRootfs, removeRootfs } from './rootfs.js';
import type { CachedRootfs, HeldRootfs, ImageSource } from './rootfs-cache.js';
import { RootfsCache } from './rootfs-cache.js';
import { pidsMaxOf, writeBundle } from './runc-bundle.js';
import type { IdMap } from './runc-idmap.js';
import { allocateIdMap, containerIdOf, defaultIdMapBase, ownByRoot, shiftOwners } from './runc-idmap.js';
import {
  defaultRootsDir,
  exposeRoot,
  exposedRootPath,
  hideRoot,
  mountNetnsSysfs,
  unmountNetnsSysfs,
} from './runc-roots.js';
import { RuncCli } from './runc-cli.js';
import { ensureConsoleFifo, openContainerConsole, readsConsoleFifo } from './runc-console.js';
import { stopContainer } from './runc-power.js';
import { snapshotArchive, writeSnapshotLayer } from './runc-snapshot.js';
import { WorkloadLock } from '../../host/workload-lock.js';
import { checkImage, handleOf, powerOf } from './runc-observe.js';
import { RuncDevices, devicesOf } from './runc-devices.js';
import { netnsNameOf } from './runc-nics.js';
import { probeHost } from './runc-probe.js';
import { specIsolation } from '../container-isolation.js';
import type { RecordedDevice, WorkloadPaths, WorkloadRecord } from './runc-workload.js';
import {
  imageKeysInUse,
  isValidWorkloadId,
  readRecord,
  requireRecord as need,
  updateRecord,
  withoutResize,
  workloadPaths,
  writeRecord,
} from './runc-workload.js';

export interface RuncDriverOptions {
  readonly stateDir: string;
  readonly cacheDir: string;
  /** 'auto' (default) uses overlayfs when a trial mount works, else copies the image's rootfs. */
  readonly rootfsMode?: 'auto' | RootfsMode;
  readonly runcBinary?: string;
  /** How long a soft reboot, resize or rebuild waits for the guest to exit after SIGTERM. */
  readonly gracefulStopMs?: number;
  /** Named network namespace for the host ends of NICs (DriverConfig.hostNetns); else the agent's. */
  readonly hostNetns?: string;
  /** First host id of the user namespace ranges (see runc-idmap.ts); 2^28 by default. */
  readonly idMapBase?: number;
  /** Where container roots are bound for runc (see runc-roots.ts); /run/strata/runc-roots by default. */
  readonly rootsDir?: string;
}

/**
 * Runs each workload as an OCI container under runc: the image's layers unpacked once into
 * a shared cache, a per-workload writable root (overlayfs, or a copy), the config drive
 * mounted read-only at /mnt/config, the flavor as cgroup limits. Containers are detached
 * from the agent, so they survive its restarts; all state is on disk and in runc, so a new
 * driver instance sees exactly what the last one left.
 *
 * Devices (`spec.nics`, `spec.disks`, and hot attach/detach while the container runs or
 * not): each container joins its own named network namespace, `strata-<workload id>` under
 * /run/netns, which the driver creates and deletes, so NICs outlive container stops and
 * agent restarts. A NIC is a veth pair: the host end `nic.hostName` in `hostNetns` (the
 * agent's namespace when unset), the peer eth0, eth1, … (spec order, then the lowest free
 * name) inside, with the port's MAC and MTU and its fixed IPs set statically by the driver
 * (a default route per NIC, metric 100+N for ethN). A disk must be a local file: it appears in the
 * container as a mounted filesystem at `/mnt/volumes/<volume id>` (runc-volume-fs.ts: a
 * qcow2 volume through a qemu-storage-daemon FUSE export, then a loop device; ext4 made on
 * first use, a partitioned disk refused; `deviceName` is only a hint and is not used).
 * `<bundle>/volumes` is a shared mount point
 * on the host that the container mounts `rslave`, so a hot attach is a mount under it
 * on the host that propagates into the running container; read-only disks are mounted
 * read-only. NBD exports are refused (a container would need a local nbd device, and the
 * kernel's nbd module is not on every host). Both are recorded in workload.json; start and
 * recover put back what a host reboot lost (the namespace, veths and mounts).
 *
 * Confinement (every container made by this driver): a user namespace of its own (root
 * inside is an unprivileged host id range, runc-idmap.ts; the root's files are given to it
 * at create), the seccomp allowlist of runc-seccomp.ts, Docker's capabilities without
 * NET_RAW, no new privileges, a task limit (`quota:pids_max`, default 1024) beside the
 * memory and CPU limits, and /proc and /sys paths masked or read-only.
 *
 * Layout: `<stateDir>/<workload id>/` is the OCI bundle (config.json, rootfs/ and, for
 * overlay, upper/ and work/) with workload.json, config-drive/, hosts, hostname,
 * console.log, console.in (the init's stdin FIFO: the serial console, runc-console.ts),
 * runc.log, volumes/ and volumes-staging/; `<stateDir>/.runc/` is runc's state
 * root; `<cacheDir>/runc-rootfs/<image id>@<config digest>/` the unpacked images.
 */
export class RuncDriver
  implements
    ComputeDriver,
    ConsoleLogSupport,
    SerialConsoleSupport,
    PowerStateSupport,
    SnapshotSupport,
    DiskLifecycleSupport,
    DeviceAttachSupport,
    ImageCacheSupport
{
  readonly name = 'runc';
  readonly kinds = ['container'] as const;
  readonly capabilities = {
    console: 'serial-log',
    snapshot: true,
    diskLifecycle: true,
    pause: true,
    suspend: false,
    // A container has no kernel of its own to interrupt.
    crashDump: false,
    // No terminal: the init's stdin is a FIFO and its output the console log (runc-console.ts).
    serialConsole: true,
    deviceAttach: 'hot',
  } as const;
  readonly #opts: RuncDriverOptions;
  readonly #runc: RuncCli;
  readonly #cache: RootfsCache;
  readonly #lock = new WorkloadLock();
  readonly #devices: RuncDevices;
  /** Id ranges taken by creates still under way (their records are not written yet). */
  readonly #reserved = new Map<string, number>();
  #allocating: Promise<unknown> = Promise.resolve();
  #mode: Promise<RootfsMode> | undefined;

  /** Not a container asking for VM isolation: the microvm driver runs those. */
  accepts(spec: WorkloadSpec): boolean {
    return specIsolation(spec) !== 'vm';
  }

  constructor(opts: RuncDriverOptions) {
    this.#opts = opts;
    this.#runc = new RuncCli(join(opts.stateDir, '.runc'), opts.runcBinary);
    this.#cache = new RootfsCache(opts.cacheDir);
    this.#devices = new RuncDevices(opts.hostNetns);
  }

  async probe(_signal: AbortSignal): Promise<HostFacts> {
    return probeHost(this.#opts, this.#runc, await this.#rootfsMode());
  }

  async create(spec: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle> {
    const source = checkImage(spec);
    const p = workloadPaths(this.#opts.stateDir, spec.workloadId);
    return this.#lock.run(spec.workloadId, async () => {
      const existing = await readRecord(p);
      if (existing) {
        await this.#startLocked(p, existing);
        return handleOf(existing);
      }
      const hostNames = spec.nics.map((n) => n.hostName);
      // Leftovers of a create that crashed half-way: start from nothing.
      if (await stat(p.dir).catch(() => undefined)) await this.#teardown(p, hostNames);
      await this.#devices.check(this.#devices.fromSpec(spec));
      try {
        return handleOf(await this.#build(spec, source, p, signal));
      } catch (err) {
        await this.#teardown(p, hostNames).catch(() => undefined);
        throw err;
      }
    });
  }

  async start(h: WorkloadHandle, _signal: AbortSignal): Promise<void> {
    const p = this.#paths(h.workloadId);
    await this.#lock.run(h.workloadId, async () => this.#startLocked(p, await need(p)));
  }

  async stop(h: WorkloadHandle, opts: StopOptions, signal: AbortSignal): Promise<void> {
    const p = this.#paths(h.workloadId);
    await this.#lock.run(h.workloadId, async () => {
      await updateRecord(p, (r) => ({ ...r, stopped: true }));
      await stopContainer(this.#runc, h.workloadId, opts.timeoutMs, signal);
    });
  }

  async reboot(h: WorkloadHandle, hard: boolean, signal: AbortSignal): Promise<void> {
    const p = this.#paths(h.workloadId);
    await this.#lock.run(h.workloadId, async () => {
      const r = await need(p);
      await stopContainer(this.#runc, h.workloadId, hard ? 0 : this.#gracefulMs(), signal);
      await this.#startLocked(p, r);
    });
  }

  async pause(h: WorkloadHandle, _signal: AbortSignal): Promise<void> {
    await this.#lock.run(h.workloadId, async () => {
      const s = await this.#runc.state(h.workloadId);
      if (s?.status === 'paused') return;
      if (s?.status !== 'running') throw new Error(`runc driver: cannot pause ${h.workloadId}: not running`);
      await this.#runc.pause(h.workloadId);
    });
  }

  async unpause(h: WorkloadHandle, _signal: AbortSignal): Promise<void> {
    await this.#lock.run(h.workloadId, async () => {
      const s = await this.#runc.state(h.workloadId);
      if (s?.status === 'running') return;
      if (s?.status !== 'paused') throw new Error(`runc driver: cannot unpause ${h.workloadId}: not paused`);
      await this.#runc.resume(h.workloadId);
    });
  }

  async suspend(_h: WorkloadHandle, _signal: AbortSignal): Promise<void> {
    throw new Error('runc driver: suspend is not supported (it needs checkpoint/restore)');
  }

  async resume(_h: WorkloadHandle, _signal: AbortSignal): Promise<void> {
    throw new Error('runc driver: resume is not supported (it needs checkpoint/restore)');
  }

  async destroy(workloadId: string, _signal: AbortSignal): Promise<void> {
    if (!isValidWorkloadId(workloadId)) return;
    await this.#lock.run(workloadId, () => this.#teardown(this.#paths(workloadId)));
  }

  async observe(workloadId: string): Promise<ObservedWorkload | undefined> {
    if (!isValidWorkloadId(workloadId)) return undefined;
    const p = this.#paths(workloadId);
    const [record, state] = await Promise.all([readRecord(p), this.#runc.state(workloadId)]);
    if (record === undefined && state === undefined) return undefined;
    await trimConsoleLog(p.consoleLog).catch(() => undefined);
    return { workloadId, ...powerOf(record, state) };
  }

  async list(): Promise<ReadonlyArray<ObservedWorkload>> {
    const dirs = await readdir(this.#opts.stateDir).catch(() => [] as string[]);
    const ids = new Set([...dirs, ...(await this.#runc.list()).map((s) => s.id)]);
    const seen = await Promise.all([...ids].filter(isValidWorkloadId).map((id) => this.observe(id)));
    return seen.filter((o): o is ObservedWorkload => o !== undefined);
  }

  /**
   * Re-attaches after an agent restart. runc's state is the handle, so a running or paused
   * container needs nothing (and is never started twice); a stopped one gets its rootfs
   * back (mounts do not survive a host reboot) so a later start works.
   */
  async recover(h: WorkloadHandle, _lastKnown: PowerObservation): Promise<void> {
    if (!isValidWorkloadId(h.workloadId)) return;
    const p = this.#paths(h.workloadId);
    await this.#lock.run(h.workloadId, async () => {
      const r = await readRecord(p);
      const s = await this.#runc.state(h.workloadId);
      if (r === undefined || s?.status === 'running' || s?.status === 'paused') return;
      await this.#prepareRoot(p, r);
      await this.#devices.restore(p, r);
      await this.#confinedMounts(p, r);
    });
  }

  async consoleLog(h: WorkloadHandle, tailLines?: number): Promise<string> {
    const p = this.#paths(h.workloadId);
    await trimConsoleLog(p.consoleLog).catch(() => undefined);
    return tailConsoleLog(p.consoleLog, tailLines);
  }

  /** 'unsupported' for a container started before consoles (its stdin is /dev/null until restarted). */
  async serialConsoleState(h: WorkloadHandle): Promise<SerialConsoleState> {
    const s = await this.#running(h.workloadId);
    if (s === undefined) return 'not-running';
    return (await readsConsoleFifo(s.pid, this.#paths(h.workloadId).consoleIn)) ? 'ready' : 'unsupported';
  }

  async serialConsole(h: WorkloadHandle): Promise<Duplex> {
    const s = await this.#running(h.workloadId);
    const p = this.#paths(h.workloadId);
    if (s === undefined || !(await readsConsoleFifo(s.pid, p.consoleIn)))
      throw new Error(`runc driver: ${h.workloadId} has no console to connect to`);
    return openContainerConsole(s.pid, p.consoleIn, p.consoleLog);
  }

  /** A `docker save` tarball of the root as it is now (the container is frozen while it is read). */
  async snapshot(h: WorkloadHandle, _signal: AbortSignal): Promise<Readable> {
    const p = this.#paths(h.workloadId);
    return this.#lock.run(h.workloadId, async () => {
      const r = await need(p);
      const image = await this.#image(r);
      await prepareRootfs(r.rootfsMode, image.rootfs, p.rootfs);
      const froze = (await this.#runc.state(h.workloadId))?.status === 'running';
      if (froze) await this.#runc.pause(h.workloadId);
      try {
        const m = r.idMap;
        const owner = m && ((id: number) => containerIdOf(m, id));
        const layer = await writeSnapshotLayer(p.rootfs.merged, p.dir, owner);
        return snapshotArchive(layer, image.configJson, `strata runc snapshot of ${h.workloadId}`);
      } finally {
        if (froze) await this.#runc.resume(h.workloadId);
      }
    });
  }

  /** New size, same writable layer: restart under the new limits, remembering the old size. */
  async resize(h: WorkloadHandle, spec: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle> {
    return this.#restartResized(h, signal, (r) => ({
      ...r,
      vcpus: spec.vcpus,
      memoryMb: spec.memoryMb,
      pidsMax: pidsMaxOf(spec.extraSpecs),
      resizedFrom: r.resizedFrom ?? { vcpus: r.vcpus, memoryMb: r.memoryMb },
    }));
  }

  /** The writable layer was never replaced, so reverting is a restart under the old size. */
  async revertResize(h: WorkloadHandle, spec: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle> {
    return this.#restartResized(h, signal, (r) => ({
      ...withoutResize(r),
      vcpus: spec.vcpus,
      memoryMb: spec.memoryMb,
      pidsMax: pidsMaxOf(spec.extraSpecs),
    }));
  }

  async confirmResize(workloadId: string, _signal: AbortSignal): Promise<void> {
    if (!isValidWorkloadId(workloadId)) return;
    const p = this.#paths(workloadId);
    if ((await readRecord(p))?.resizedFrom === undefined) return;
    await this.#lock.run(workloadId, () => updateRecord(p, withoutResize));
  }

  /** A fresh root from `spec.image` (the old writable layer is dropped), same id, running. */
  async rebuild(h: WorkloadHandle, spec: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle> {
    const source = checkImage(spec);
    const p = this.#paths(h.workloadId);
    return this.#lock.run(h.workloadId, async () => {
      // Devices stay as recorded (attached since create included), not as the spec lists them.
      const { devices = [], idMap } = await need(p);
      // The new image first: a bad one fails the rebuild with the old root still there.
      const image = await this.#cache.hold(source, signal);
      try {
        await stopContainer(this.#runc, h.workloadId, this.#gracefulMs(), signal);
        await hideRoot(this.#rootPath(h.workloadId));
        await removeRootfs(p.rootfs);
        await rm(p.configDrive, { recursive: true, force: true });
        return handleOf(await this.#provision(spec, p, image, devices, idMap));
      } finally {
        image.release();
      }
    });
  }

  /** Hot: a NIC or disk appears in the running container at once (and stays across restarts). */
  async attachDevice(h: WorkloadHandle, device: WorkloadDevice, _signal: AbortSignal): Promise<void> {
    const p = this.#paths(h.workloadId);
    await this.#lock.run(h.workloadId, async () => {
      const r = await need(p);
      const running = async () => {
        const status = (await this.#runc.state(h.workloadId))?.status;
        return status === 'running' || status === 'paused';
      };
      const next = await this.#devices.attach(p, r, device, running);
      if (next !== r) await writeRecord(p, next);
    });
  }

  /** A disk still open in the container is detached lazily (see runc-volumes.ts). */
  async detachDevice(h: WorkloadHandle, ref: DeviceRef, _signal: AbortSignal): Promise<void> {
    if (!isValidWorkloadId(h.workloadId)) return;
    const p = this.#paths(h.workloadId);
    await this.#lock.run(h.workloadId, async () => {
      const r = await readRecord(p);
      if (r === undefined) return;
      const next = await this.#devices.detach(p, r, ref);
      if (next !== r) await writeRecord(p, next);
    });
  }

  async devices(workloadId: string): Promise<ReadonlyArray<WorkloadDevice>> {
    if (!isValidWorkloadId(workloadId)) return [];
    return devicesOf(await readRecord(this.#paths(workloadId)));
  }

  async #build(
    spec: WorkloadSpec,
    source: ImageSource,
    p: WorkloadPaths,
    signal: AbortSignal,
  ): Promise<WorkloadRecord> {
    // Held until the record naming it is written, so the cache manager cannot take it meanwhile.
    const image: HeldRootfs = await this.#cache.hold(source, signal);
    try {
      signal.throwIfAborted();
      await mkdir(p.dir, { recursive: true, mode: 0o700 });
      return await this.#provision(spec, p, image, this.#devices.fromSpec(spec));
    } finally {
      image.release();
    }
  }

  /** Unpacked images; one is in use while a workload's record names it or an overlay sits on it. */
  async listImageCache(): Promise<ReadonlyArray<ImageCacheEntry>> {
    const entries = await this.#cache.entries();
    if (entries.length === 0) return [];
    const [keys, lowers] = await Promise.all([imageKeysInUse(this.#opts.stateDir), overlayLowerDirs()]);
    return entries.map((e) => ({
      key: e.dir,
      imageId: e.imageId,
      inUse: keys.has(e.key) || lowers.has(join(e.dir, 'rootfs')),
      lastUsedMs: e.mtimeMs,
    }));
  }

  async touchImageCache(key: string): Promise<void> {
    if (this.#cache.dirOf(basename(key)) === key) await this.#cache.touch(basename(key));
  }

  async removeImageCache(key: string): Promise<boolean> {
    const name = basename(key);
    if (this.#cache.dirOf(name) !== key) return false;
    return this.#cache.remove(name, async (rootfs) => {
      const [keys, lowers] = await Promise.all([imageKeysInUse(this.#opts.stateDir), overlayLowerDirs()]);
      return keys.has(name) || lowers.has(rootfs);
    });
  }

  /** Root, config drive, devices, bundle, container, then the record that says it all exists. */
  async #provision(
    spec: WorkloadSpec,
    p: WorkloadPaths,
    image: CachedRootfs,
    devices: ReadonlyArray<RecordedDevice>,
    idMap?: IdMap,
  ): Promise<WorkloadRecord> {
    const pidsMax = pidsMaxOf(spec.extraSpecs);
    const r: WorkloadRecord = {
      version: 1,
      workloadId: spec.workloadId,
      hostname: spec.hostname,
      imageId: spec.image.id,
      imageKey: image.key,
      rootfsMode: await this.#rootfsMode(),
      vcpus: spec.vcpus,
      memoryMb: spec.memoryMb,
      stopped: false,
      netns: netnsNameOf(spec.workloadId),
      devices,
      idMap: idMap ?? (await this.#newIdMap(spec.workloadId)),
      pidsMax,
    };
    // Independent of each other; all settle before a failure is thrown, so a teardown never
    // races a mount still under way.
    await allSettled([
      prepareRootfs(r.rootfsMode, image.rootfs, p.rootfs),
      writeConfigDriveTree(spec, p.configDrive),
      this.#devices.restore(p, r),
    ]);
    // The image's files and the config drive become the container root's (metadata only
    // on an overlay with metacopy; a copied root is chowned in place).
    await Promise.all([shiftOwners(p.rootfs.merged, r.idMap!), shiftOwners(p.configDrive, r.idMap!)]);
    await this.#confinedMounts(p, r);
    await writeBundle(p, r, image, this.#rootPath(r.workloadId));
    await this.#runContainer(p, r);
    await writeRecord(p, r);
    this.#reserved.delete(r.workloadId);
    return r;
  }

  async #startLocked(p: WorkloadPaths, r: WorkloadRecord): Promise<void> {
    const s = await this.#runc.state(r.workloadId);
    if (s?.status === 'paused') await this.#runc.resume(r.workloadId);
    if (s?.status !== 'running' && s?.status !== 'paused') {
      if (s !== undefined) await this.#runc.delete(r.workloadId, true);
      await this.#prepareRoot(p, r);
      await this.#devices.restore(p, r);
      await this.#confinedMounts(p, r);
      await trimConsoleLog(p.consoleLog).catch(() => undefined);
      await this.#runContainer(p, r);
    }
    if (r.stopped) await writeRecord(p, { ...r, stopped: false });
  }

  /** Runs the container detached, its stdin the console FIFO (the container root's when confined). */
  async #runContainer(p: WorkloadPaths, r: WorkloadRecord): Promise<void> {
    await ensureConsoleFifo(p.consoleIn);
    if (r.idMap) await ownByRoot(r.idMap, [p.consoleIn]);
    await this.#runc.runDetached(r.workloadId, p.dir, p);
    await this.#devices.throttle(p, r);
  }

  /** runc's state of a running or paused container; undefined otherwise (or for a bad id). */
  async #running(workloadId: string) {
    if (!isValidWorkloadId(workloadId)) return undefined;
    const s = await this.#runc.state(workloadId);
    return s?.status === 'running' || s?.status === 'paused' ? s : undefined;
  }

  async #restartResized(
    h: WorkloadHandle,
    signal: AbortSignal,
    change: (r: WorkloadRecord) => WorkloadRecord,
  ): Promise<WorkloadHandle> {
    const p = this.#paths(h.workloadId);
    return this.#lock.run(h.workloadId, async () => {
      const r = change(await need(p));
      await stopContainer(this.#runc, h.workloadId, this.#gracefulMs(), signal);
      await writeBundle(p, r, await this.#image(r), r.idMap && this.#rootPath(r.workloadId));
      await writeRecord(p, r);
      await this.#startLocked(p, r);
      return handleOf(r);
    });
  }

  /**
   * Container, disks, NICs, namespace, mounts, files: all gone, or an error saying what is
   * left. `hostNames`: NIC host ends of a create that failed before writing its record.
   */
  async #teardown(p: WorkloadPaths, hostNames: ReadonlyArray<string> = []): Promise<void> {
    const id = p.dir.slice(p.dir.lastIndexOf('/') + 1);
    await stopContainer(this.#runc, id, 0); // SIGKILL, polled faster than `runc delete --force` does
    await hideRoot(this.#rootPath(id));
    await unmountNetnsSysfs(p.sysfs);
    await this.#devices.release(p, id, await readRecord(p), hostNames);
    await removeRootfs(p.rootfs);
    const left = await mountsUnder(p.dir);
    if (left.length > 0)
      throw new Error(`runc driver: cannot remove ${p.dir}: still mounted: ${left.join(', ')}`);
    await rm(p.dir, { recursive: true, force: true });
    this.#reserved.delete(id);
  }

  async #prepareRoot(p: WorkloadPaths, r: WorkloadRecord): Promise<void> {
    await prepareRootfs(r.rootfsMode, (await this.#image(r)).rootfs, p.rootfs);
  }

  /**
   * What a user-namespaced container needs from the host before each start (its netns
   * exists by then): its root where runc can reach it, a sysfs of its own network
   * namespace, and its console log its root's (a process that reopens /proc/1/fd/1 or
   * /dev/stdout must be able to).
   */
  async #confinedMounts(p: WorkloadPaths, r: WorkloadRecord): Promise<void> {
    if (!r.idMap) return;
    await exposeRoot(p.rootfs.merged, this.#rootPath(r.workloadId));
    if (r.netns !== undefined) await mountNetnsSysfs(r.netns, p.sysfs);
    await writeFile(p.consoleLog, '', { flag: 'a', mode: 0o600 });
    await ownByRoot(r.idMap, [p.consoleLog]);
  }

  #rootPath(workloadId: string): string {
    return exposedRootPath(this.#opts.rootsDir ?? defaultRootsDir, workloadId);
  }

  /**
   * A free id range for a new workload: none that a record or a create under way holds.
   * One allocation at a time, so two creates never take the same range.
   */
  async #newIdMap(workloadId: string): Promise<IdMap> {
    const next = this.#allocating.then(async () => {
      const taken = [...this.#reserved.values()];
      for (const id of await readdir(this.#opts.stateDir).catch(() => [] as string[])) {
        if (!isValidWorkloadId(id)) continue;
        const hostId = (await readRecord(this.#paths(id)).catch(() => undefined))?.idMap?.hostId;
        if (hostId !== undefined) taken.push(hostId);
      }
      const m = allocateIdMap(this.#opts.idMapBase ?? defaultIdMapBase, taken);
      this.#reserved.set(workloadId, m.hostId);
      return m;
    });
    this.#allocating = next.catch(() => undefined);
    return next;
  }

  async #image(r: WorkloadRecord): Promise<CachedRootfs> {
    const image = await this.#cache.get(r.imageKey);
    if (image === undefined)
      throw new Error(`runc driver: the image cache entry ${r.imageKey} is gone; rebuild the server`);
    return image;
  }

  #rootfsMode(): Promise<RootfsMode> {
    const wanted = this.#opts.rootfsMode ?? 'auto';
    this.#mode ??=
      wanted !== 'auto'
        ? Promise.resolve(wanted)
        : mkdir(this.#opts.stateDir, { recursive: true })
            .then(() => overlayUsable(this.#opts.stateDir))
            // overlayfs mount options cannot carry these characters in a lower dir's path.
            .then((ok) => (ok && !/[,:\\]/.test(this.#opts.cacheDir) ? 'overlay' : 'copy'));
    return this.#mode;
  }

  #paths(workloadId: string): WorkloadPaths {
    return workloadPaths(this.#opts.stateDir, workloadId);
  }

  #gracefulMs(): number {
    return this.#opts.gracefulStopMs ?? 30_000;
  }
}

/** Waits for every step, then throws the first failure (Promise.all would throw at once). */
async function allSettled(steps: ReadonlyArray<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(steps)).find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The driver registry's factory: overlayfs when the host has it, runc from PATH. */
export function createRuncDriver(cfg: DriverConfig): RuncDriver {
  return new RuncDriver({
    stateDir: cfg.stateDir,
    cacheDir: cfg.cacheDir,
    ...(cfg.hostNetns !== undefined && { hostNetns: cfg.hostNetns }),
  });
}
