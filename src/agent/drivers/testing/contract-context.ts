import { randomBytes, randomUUID } from 'node:crypto';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type {
  ComputeDriver,
  DriverCapabilities,
  WorkloadDisk,
  WorkloadHandle,
  WorkloadNic,
  WorkloadSpec,
} from '../driver.js';
import { supportsConsoleLog } from '../driver.js';

/** What a driver's test gives the contract suite: how to make workloads this driver runs. */
export interface ContractFixtures {
  /** A fresh workload id the driver accepts. */
  newId(): string;
  /** A spec this driver runs (its own image path and formats) for `workloadId`. */
  spec(workloadId: string, over?: Partial<WorkloadSpec>): WorkloadSpec;
  /** Specs create must refuse (a missing image, an invalid id...), each with why. */
  badSpecs(): ReadonlyArray<{ readonly why: string; readonly spec: WorkloadSpec }>;
  /** The driver's state dir: a create that throws must leave its entries as they were. */
  readonly stateDir?: string;
  /**
   * Called once after each operation that boots the guest (create, start, reboot, resize,
   * rebuild...): waits until it can take part in a graceful stop. Default: returns at once.
   */
  settle?(driver: ComputeDriver, h: WorkloadHandle): Promise<void>;
  /** How many host processes run the workload (a restart must not start a second). */
  processesOf?(workloadId: string): Promise<number>;
  /** The memory the workload really runs with, read from the host (diskLifecycle cases). */
  memoryMbOf?(h: WorkloadHandle): Promise<number>;
  /** A NIC nothing else uses (unique port id, MAC and hostName) (device cases). */
  nic?(): WorkloadNic;
  /** A disk backed by a fresh file the driver can open (device cases). */
  disk?(): Promise<WorkloadDisk>;
  /** How long a stop may wait for the guest before forcing it (default 10 s). */
  readonly stopTimeoutMs?: number;
}

/** The workload a group of cases shares: created on first use, left running by every case. */
export interface SharedWorkload {
  spec: WorkloadSpec;
  handle: WorkloadHandle;
}

/** What every case gets. `driver` is the instance under test; `makeDriver` makes another (a restart). */
export interface ContractContext {
  readonly driver: ComputeDriver;
  readonly makeDriver: () => Promise<ComputeDriver>;
  readonly fixtures: ContractFixtures;
  readonly signal: AbortSignal;
  /** The group's workload (spec extended by `sharedSpec`), created and settled on first use. */
  shared(): Promise<SharedWorkload>;
  /** Creates a workload the context destroys in dispose(). */
  create(spec: WorkloadSpec): Promise<WorkloadHandle>;
  /** Waits for the guest to finish booting (fixtures.settle), after an operation that boots it. */
  settled(h: WorkloadHandle, driver?: ComputeDriver): Promise<void>;
  /** Destroys every workload this context created. */
  dispose(): Promise<void>;
}

/** One contract case: a plain async function, registered by runDriverContract under `name`. */
export interface ContractCase {
  readonly name: string;
  /** The capability the case tests; drivers that do not claim it do not run it. */
  readonly needs?: { readonly what: string; readonly claimed: (c: DriverCapabilities) => boolean };
  readonly run: (ctx: ContractContext) => Promise<void>;
}

/** Cases sharing one workload, in order. */
export interface ContractGroup {
  readonly name: string;
  readonly needs?: ContractCase['needs'];
  /** What the group's shared workload adds to the fixture spec (devices). */
  readonly sharedSpec?: (f: ContractFixtures) => Promise<Partial<WorkloadSpec>>;
  readonly cases: ReadonlyArray<ContractCase>;
}

export function contractContext(
  driver: ComputeDriver,
  makeDriver: () => Promise<ComputeDriver>,
  fixtures: ContractFixtures,
  sharedSpec?: ContractGroup['sharedSpec'],
): ContractContext {
  const created = new Set<string>();
  let shared: Promise<SharedWorkload> | undefined;
  const ctx: ContractContext = {
    driver,
    makeDriver,
    fixtures,
    signal: new AbortController().signal,
    shared: () => (shared ??= makeShared()),
    async create(spec) {
      created.add(spec.workloadId);
      return driver.create(spec, ctx.signal);
    },
    settled: async (h, d = driver) => fixtures.settle?.(d, h),
    async dispose() {
      for (const id of created) await driver.destroy(id, ctx.signal);
      created.clear();
      shared = undefined;
    },
  };
  async function makeShared(): Promise<SharedWorkload> {
    const id = fixtures.newId();
    const spec = fixtures.spec(id, (await sharedSpec?.(fixtures)) ?? {});
    const handle = await ctx.create(spec);
    await ctx.settled(handle);
    return { spec, handle };
  }
  return ctx;
}

export async function powerOf(driver: ComputeDriver, id: string) {
  return (await driver.observe(id))?.power;
}

export async function expectPower(driver: ComputeDriver, id: string, power: string): Promise<void> {
  expect(await powerOf(driver, id), `power of ${id}`).toBe(power);
}

/** How many of the driver's listed workloads have this id. */
export async function listed(driver: ComputeDriver, id: string): Promise<number> {
  return (await driver.list()).filter((w) => w.workloadId === id).length;
}

/** The entries of a state dir (hidden ones are the driver's own bookkeeping). */
export async function stateEntries(dir: string | undefined): Promise<string[]> {
  if (dir === undefined) return [];
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => !n.startsWith('.')).sort();
}

/**
 * A settle for guests that print `marker` once per boot when ready: waits for one more than
 * at the previous call for the same workload (console logs are append-only).
 */
export function settleOnMarker(
  marker: string,
  timeoutMs = 90_000,
): (driver: ComputeDriver, h: WorkloadHandle) => Promise<void> {
  const seen = new Map<string, number>();
  return async (driver, h) => {
    if (!supportsConsoleLog(driver)) return;
    const want = (seen.get(h.workloadId) ?? 0) + 1;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const log = await driver.consoleLog(h);
      const n = log.split(marker).length - 1;
      if (n >= want) return void seen.set(h.workloadId, n);
      if (Date.now() > deadline) throw new Error(`no ${want}x "${marker}" within ${timeoutMs} ms:\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
}

/** A NIC with a fresh port id, MAC and a host name of at most 15 bytes (`<prefix><hex>`). */
export function uniqueNic(prefix: string, networkId = randomUUID()): WorkloadNic {
  const hex = randomBytes(5).toString('hex');
  const mac = `fa:16:3e:${hex.slice(0, 6).match(/../g)!.join(':')}`;
  return { portId: randomUUID(), networkId, mac, mtu: 1500, hostName: `${prefix}${hex}`, fixedIps: [] };
}

/** A fresh sparse raw disk file of `sizeMb` in `dir`, as a volume. */
export async function sparseRawDisk(dir: string, sizeMb = 64): Promise<WorkloadDisk> {
  const volumeId = randomUUID();
  const source = join(dir, `vol-${volumeId}.raw`);
  const f = await open(source, 'wx', 0o600);
  await f.truncate(sizeMb * 1024 * 1024);
  await f.close();
  return { volumeId, source, format: 'raw', readOnly: false };
}
