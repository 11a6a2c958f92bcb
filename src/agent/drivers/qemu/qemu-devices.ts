import { deviceRefOf, type WorkloadDevice, type WorkloadDisk, type WorkloadNic } from '../driver.js';
import { deviceIds } from './qemu-device-ids.js';
import { nbdTlsObject, tlsCredsIdOf } from './qemu-nbd-tls.js';

export { deviceIds, type DeviceIds } from './qemu-device-ids.js';

/** virtio-blk passes at most 20 bytes of serial to the guest. */
export const serialBytes = 20;

/** The guest-visible serial of a volume: its id cut to what virtio-blk carries. */
export function volumeSerial(volumeId: string): string {
  return Buffer.from(volumeId).subarray(0, serialBytes).toString();
}

/** netdev_add arguments: a tap QEMU opens (creating it when missing), no helper scripts. */
export function netdevOptions(nic: WorkloadNic): Record<string, unknown> {
  const { backend } = deviceIds({ kind: 'nic', id: nic.portId });
  return { type: 'tap', id: backend, ifname: nic.hostName, script: 'no', downscript: 'no' };
}

const nbdReconnectDelaySec = 30;

/** blockdev-add arguments: a raw or qcow2 format node on a local file or an NBD export. */
export function blockdevOptions(disk: WorkloadDisk): Record<string, unknown> {
  const { backend } = deviceIds({ kind: 'disk', id: disk.volumeId });
  const nbd = parseNbdUri(disk.source);
  return {
    driver: nbd ? 'raw' : disk.format,
    'node-name': backend,
    'read-only': disk.readOnly,
    ...(!disk.readOnly && { discard: 'unmap' }),
    file: nbd ? nbdFileOptions(disk, nbd) : { driver: 'file', filename: disk.source },
  };
}

/** The NBD protocol node under an NBD disk's raw node (inline at attach, its own node on a grow). */
export function nbdFileOptions(disk: WorkloadDisk, nbd: NbdSource): Record<string, unknown> {
  return {
    driver: 'nbd',
    server: nbd.server,
    export: nbd.export,
    // A restarted export server (its reconciler brings it back within seconds) must pause the
    // guest's I/O, not fail it: QEMU's default reconnect delay of 0 gives the guest EIO.
    'reconnect-delay': nbdReconnectDelaySec,
    // The export server takes TLS-PSK clients only (qemu-nbd-tls.ts holds the key).
    ...(disk.nbdTls !== undefined && { 'tls-creds': tlsCredsIdOf(disk.volumeId) }),
  };
}

/**
 * device_add arguments. The image's root disk has bootindex 0, so a volume's boot index
 * comes after it (index + 1): two devices may not share one.
 */
export function deviceOptions(device: WorkloadDevice): Record<string, unknown> {
  const ids = deviceIds(deviceRefOf(device));
  if (device.kind === 'nic') {
    const { mac, mtu } = device.nic;
    return { driver: 'virtio-net-pci', id: ids.device, netdev: ids.backend, mac, host_mtu: mtu };
  }
  const { volumeId, bootIndex } = device.disk;
  return {
    driver: 'virtio-blk-pci',
    id: ids.device,
    drive: ids.backend,
    serial: volumeSerial(volumeId),
    ...(bootIndex !== undefined && { bootindex: bootIndex + 1 }),
  };
}

/**
 * The command line of one device: the same options as hot attach, in -netdev/-blockdev/-device
 * form (an NBD disk with TLS first gets its credentials object, keys under `vmDir`).
 */
export function deviceArgs(device: WorkloadDevice, vmDir: string): string[] {
  const tls = device.kind === 'disk' ? nbdTlsObject(vmDir, device.disk) : undefined;
  const backend =
    device.kind === 'nic'
      ? ['-netdev', keyValues(implied('type', netdevOptions(device.nic)))]
      : ['-blockdev', JSON.stringify(blockdevOptions(device.disk))];
  return [
    ...(tls ? ['-object', JSON.stringify(tls)] : []),
    ...backend,
    '-device',
    keyValues(implied('driver', deviceOptions(device))),
  ];
}

/** QEMU's short form names the type first, without its key: `tap,id=...`, `virtio-blk-pci,...`. */
function implied(key: string, o: Record<string, unknown>): Record<string, unknown> {
  const { [key]: value, ...rest } = o;
  return { [String(value)]: undefined, ...rest };
}

/** `a=1,b=x` with QEMU's comma escaping; a key whose value is undefined stands alone. */
function keyValues(o: Record<string, unknown>): string {
  return Object.entries(o)
    .map(([k, v]) => (v === undefined ? k : `${k}=${String(v).replaceAll(',', ',,')}`))
    .join(',');
}

export interface NbdSource {
  readonly server:
    | { readonly type: 'inet'; readonly host: string; readonly port: string }
    | { readonly type: 'unix'; readonly path: string };
  readonly export: string;
}

/** `nbd://host[:port]/export` or `nbd+unix:///export?socket=/path`; undefined for a file path. */
export function parseNbdUri(source: string): NbdSource | undefined {
  if (!/^nbd(\+unix)?:\/\//.test(source)) return undefined;
  const url = new URL(source);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (url.protocol === 'nbd+unix:') {
    const path = url.searchParams.get('socket');
    if (!path) throw new Error(`qemu driver: NBD URI ${source} names no socket`);
    return { server: { type: 'unix', path }, export: name };
  }
  if (!url.hostname) throw new Error(`qemu driver: NBD URI ${source} names no host`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { server: { type: 'inet', host, port: url.port || '10809' }, export: name };
}
