import type { DiagnosticsSource } from './server-diagnostics-view.js';
import { powerStateNames } from './server-diagnostics-view.js';

/** What 2.48's view needs beyond the 2.1 source: the server's NICs and attached volumes. */
export interface StandardSource extends DiagnosticsSource {
  readonly nics: number;
  readonly volumes: number;
}

/**
 * Nova's hypervisor and OS for a Strata driver. Nova's schema names the driver from a fixed
 * list; Strata's local Linux drivers stand where Nova's libvirt driver does (QEMU/KVM, and
 * containers as libvirt-lxc), so `driver` is 'libvirt' and `hypervisor` says which.
 */
function hypervisorOf(src: DiagnosticsSource): { hypervisor: string | null; hypervisor_os: string | null } {
  const h = src.server.taskState === null ? src.handle : undefined;
  const driver = h?.driver ?? (src.hostDriver?.includes('+') ? undefined : src.hostDriver);
  const accel = h?.diagnostics?.['accelerator'];
  if (driver === 'qemu') return { hypervisor: accel === 'tcg' ? 'qemu' : 'kvm', hypervisor_os: 'linux' };
  if (driver === 'runc') return { hypervisor: 'runc', hypervisor_os: 'linux' };
  return { hypervisor: driver ?? null, hypervisor_os: null };
}

/**
 * GET /servers/{id}/diagnostics from 2.48: every standard field, null where Strata does
 * not know it (Nova's rule for a driver that cannot fill a field). Per-CPU, per-disk and
 * per-NIC counters are not collected, so those lists are empty.
 */
export function standardDiagnosticsView(src: StandardSource) {
  const s = src.server;
  const settled = s.taskState === null;
  return {
    state: powerStateNames[s.powerState],
    driver: 'libvirt',
    ...hypervisorOf(src),
    uptime:
      s.launchedAt === null
        ? null
        : Math.max(0, Math.floor((src.now.getTime() - Date.parse(s.launchedAt)) / 1000)),
    config_drive: s.configDrive,
    num_cpus: settled ? s.flavor.vcpus : null,
    num_nics: src.nics,
    // The root disk (local or a volume) and every other attached volume.
    num_disks: s.imageId === '' ? Math.max(1, src.volumes) : 1 + src.volumes,
    cpu_details: [],
    disk_details: [],
    nic_details: [],
    memory_details: { maximum: settled ? s.flavor.ram : null, used: null },
  };
}
