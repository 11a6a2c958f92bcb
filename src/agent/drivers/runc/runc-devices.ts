import { runCommand } from '../../host/command.js';
import type { DeviceRef, WorkloadDevice, WorkloadSpec } from '../driver.js';
import { deviceRefOf } from '../driver.js';
import { deleteNetns, ensureNetns, ipBatch } from '../../host/netns.js';
import { deleteVeth, linkInfo } from '../../host/veth.js';
import {
  addressCommands,
  checkNic,
  createVeth,
  netnsNameOf,
  nextIfName,
  nicPlugged,
  plugNic,
  unplugNic,
} from './runc-nics.js';
import {
  bindVolume,
  checkDisk,
  growVolumeFile,
  releaseVolumes,
  shareVolumesDir,
  unbindVolume,
} from './runc-volumes.js';
import { growMountedVolume } from './runc-volume-grow.js';
import { throttleVolume, unthrottleVolume } from './runc-volume-blkio.js';
import { cgroupPathOf } from './runc-bundle.js';
import type { RecordedDevice, WorkloadPaths, WorkloadRecord } from './runc-workload.js';

/**
 * A workload's NICs and disks on the host. NICs live in the workload's named network
 * namespace and disks under its shared volumes directory, both owned by the driver rather
 * than by the container, so they outlive container stops, restarts and agent restarts;
 * `restore` puts back what a host reboot took (the namespace and mounts are in memory only).
 */
export class RuncDevices {
  constructor(readonly hostNetns: string | undefined) {}

  /**
   * Refuses devices that cannot be given to a container, before anything is created; also
   * two NICs with one host end (plugging the second would replace the first's veth).
   */
  async check(devices: ReadonlyArray<WorkloadDevice | RecordedDevice>): Promise<void> {
    const nics = devices.flatMap((d) => (d.kind === 'nic' ? [d.nic] : []));
    for (const nic of nics) checkNic(nic);
    const clash = nics.find((n, i) => nics.findIndex((o) => o.hostName === n.hostName) !== i);
    if (clash) throw new Error(`runc driver: two NICs have the host name ${clash.hostName}`);
    for (const d of devices) if (d.kind === 'disk') await checkDisk(d.disk);
  }

  /** The spec's devices as recorded at create: NICs named eth0, eth1, … in spec order. */
  fromSpec(spec: WorkloadSpec): RecordedDevice[] {
    return [
      ...spec.nics.map((nic, i) => ({ kind: 'nic' as const, nic, ifName: `eth${i}` })),
      ...spec.disks.map((disk) => ({ kind: 'disk' as const, disk })),
    ];
  }

  /** Namespace, NICs, shared volumes directory and disks: whatever is missing is made again. */
  async restore(p: WorkloadPaths, r: WorkloadRecord): Promise<void> {
    const netns = r.netns;
    if (netns === undefined) return;
    const created = await ensureNetns(netns);
    // One `ip` run inside for loopback (also when the namespace was there: a crash may have
    // come between its creation and this) and every NIC plugged now.
    const inside = ['link set lo up'];
    for (const d of r.devices ?? []) {
      if (d.kind !== 'nic' || (!created && (await nicPlugged(netns, d.nic, d.ifName)))) continue;
      await createVeth(this.hostNetns, netns, d.nic, d.ifName);
      inside.push(...addressCommands(d.nic, d.ifName));
    }
    await ipBatch(netns, inside);
    // ping without raw sockets (containers lack CAP_NET_RAW): ICMP datagram sockets for
    // every group, as container engines set it.
    await runCommand(
      'ip',
      ['netns', 'exec', netns, 'sysctl', '-qw', 'net.ipv4.ping_group_range=0 2147483647'],
      {
        timeoutMs: 30_000,
      },
    );
    await shareVolumesDir(p.volumes, r.idMap);
    for (const d of r.devices ?? [])
      if (d.kind === 'disk') await bindVolume(p.volumes, p.volumesStaging, d.disk, r.idMap);
  }

  /**
   * Plugs the device, then returns the record that lists it (unchanged when it was listed).
   * `running` says whether the container runs: a NIC cannot reach a running container whose
   * namespace lost its name (it would go into a new, empty one).
   */
  async attach(
    p: WorkloadPaths,
    r: WorkloadRecord,
    device: WorkloadDevice,
    running: () => Promise<boolean>,
  ): Promise<WorkloadRecord> {
    const netns = r.netns;
    if (netns === undefined)
      throw new Error(
        `runc driver: ${r.workloadId} was created before containers had devices; rebuild it to attach any`,
      );
    const devices = r.devices ?? [];
    const at = indexOf(devices, deviceRefOf(device));
    if (at >= 0) {
      if (device.kind !== 'disk') return r;
      const { disk } = device;
      // An extended volume: its mounted filesystem grows online (else just its file).
      if (
        disk.sizeBytes !== undefined &&
        !(await growMountedVolume(p.volumes, p.volumesStaging, disk, disk.sizeBytes))
      )
        await growVolumeFile(disk, disk.sizeBytes);
      // A changed QoS: the running container's limits follow at once.
      await throttleVolume(cgroupPathOf(r.workloadId), p.volumesStaging, disk);
      return { ...r, devices: devices.map((d, i) => (i === at ? device : d)) };
    }
    await this.check([...devices.filter((d) => d.kind === 'nic'), device]);
    let recorded: RecordedDevice;
    if (device.kind === 'nic') {
      const ifName = nextIfName(devices.flatMap((d) => (d.kind === 'nic' ? [d.ifName] : [])));
      if ((await ensureNetns(netns)) && (await running()))
        throw new Error(
          `runc driver: ${r.workloadId}'s network namespace ${netns} was removed while it runs; ` +
            'restart it (its NICs are plugged again at start) and attach again',
        );
      await plugNic(this.hostNetns, netns, device.nic, ifName);
      recorded = { ...device, ifName };
    } else {
      await shareVolumesDir(p.volumes, r.idMap);
      await bindVolume(p.volumes, p.volumesStaging, device.disk, r.idMap);
      await throttleVolume(cgroupPathOf(r.workloadId), p.volumesStaging, device.disk);
      recorded = device;
    }
    return { ...r, devices: [...devices, recorded] };
  }

  /**
   * Throttles every disk in the container's blkio cgroup (it exists only once the container
   * runs, and loop devices may have new numbers after a host reboot): after every start.
   */
  async throttle(p: WorkloadPaths, r: WorkloadRecord): Promise<void> {
    for (const d of r.devices ?? [])
      if (d.kind === 'disk') await throttleVolume(cgroupPathOf(r.workloadId), p.volumesStaging, d.disk);
  }

  /** Unplugs the device, then returns the record without it (unchanged when it was not listed). */
  async detach(p: WorkloadPaths, r: WorkloadRecord, ref: DeviceRef): Promise<WorkloadRecord> {
    const devices = r.devices ?? [];
    const i = indexOf(devices, ref);
    const d = devices[i];
    if (d === undefined) return r;
    if (d.kind === 'nic')
      await unplugNic(this.hostNetns, r.netns ?? netnsNameOf(r.workloadId), d.nic, d.ifName);
    else {
      await unthrottleVolume(cgroupPathOf(r.workloadId), p.volumesStaging, d.disk);
      await unbindVolume(p.volumes, p.volumesStaging, d.disk);
    }
    return { ...r, devices: devices.filter((_, j) => j !== i) };
  }

  /**
   * Everything of a workload that is gone or going: disks, NIC host ends (those recorded and
   * `hostNames`, for a create that failed before its record), then the namespace, whose
   * deletion also takes any veth this driver does not know about.
   */
  async release(
    p: WorkloadPaths,
    workloadId: string,
    r: WorkloadRecord | undefined,
    hostNames: ReadonlyArray<string> = [],
  ): Promise<void> {
    const disks = (r?.devices ?? []).flatMap((d) => (d.kind === 'disk' ? [d.disk] : []));
    await releaseVolumes(p.volumes, p.volumesStaging, disks);
    const known = (r?.devices ?? []).flatMap((d) => (d.kind === 'nic' ? [d.nic.hostName] : []));
    for (const name of new Set([...known, ...hostNames]))
      if ((await linkInfo(this.hostNetns, name))?.kind === 'veth') await deleteVeth(this.hostNetns, name);
    await deleteNetns(r?.netns ?? netnsNameOf(workloadId));
  }
}

/** The devices as the driver interface shows them (without the recorded interface names). */
export function devicesOf(r: WorkloadRecord | undefined): WorkloadDevice[] {
  return (r?.devices ?? []).map((d) => (d.kind === 'nic' ? { kind: 'nic', nic: d.nic } : d));
}

function indexOf(devices: ReadonlyArray<RecordedDevice>, ref: DeviceRef): number {
  return devices.findIndex((d) => {
    const other = deviceRefOf(d.kind === 'nic' ? { kind: 'nic', nic: d.nic } : d);
    return other.kind === ref.kind && other.id === ref.id;
  });
}
