import type { WorkloadHandle } from '../driver.js';
import { QemuRuntime } from '../qemu/qemu-runtime.js';
import { QemuVm } from '../qemu/qemu-vm.js';
import type { VmRecord, WorkloadPaths } from '../qemu/qemu-workload.js';
import { microvmArgs } from './microvm-args.js';

/**
 * The qemu driver's runtime (boot, start, power off, records) with the microvm command line
 * and handles that name this driver, so the agent routes later calls back here.
 */
export class MicrovmRuntime extends QemuRuntime {
  override vm(paths: WorkloadPaths): QemuVm {
    return new QemuVm(paths, this.cfg.qemuBinary, this.cfg.hostNetns, microvmArgs);
  }

  override async handle(paths: WorkloadPaths, rec: VmRecord): Promise<WorkloadHandle> {
    const h = await super.handle(paths, rec);
    return {
      ...h,
      driver: 'microvm',
      diagnostics: { ...h.diagnostics, disk_format: 'raw' },
    };
  }
}
