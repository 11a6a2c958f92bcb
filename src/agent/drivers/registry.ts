import type { ComputeDriver } from './driver.js';
import { FakeDriver } from './fake/fake-driver.js';

export interface DriverConfig {
  /** Where the driver keeps its per-workload files: `<data-dir>/instances/<driver>/<workload id>/`. */
  readonly stateDir: string;
  /** Images prepared once and shared by workloads (converted bases, unpacked rootfs). */
  readonly cacheDir: string;
  /** For the fake driver: the simulated host's size. */
  readonly fake?: { readonly vcpus: number; readonly memoryMb: number; readonly diskGb: number };
}

export type DriverFactory = (cfg: DriverConfig) => ComputeDriver;

/** Adding a driver: one folder under drivers/ and one line here. */
export const driverFactories = {
  fake: (cfg) => new FakeDriver(cfg.fake ?? { vcpus: 1000, memoryMb: 1_048_576, diskGb: 100_000 }),
} as const satisfies Record<string, DriverFactory>;

export type DriverName = keyof typeof driverFactories;
