import {
  diskQosKeys,
  type WorkloadDevice,
  type WorkloadDisk,
  type WorkloadNic,
} from '../../agent/drivers/driver.js';
import { InputError } from '../../common/errors.js';

const mac = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
/** Linux interface names: at most 15 bytes, none of '/', ':', whitespace. */
const ifname = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
const id = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** What a driver may be handed: anything else is refused before it reaches a host. */
export function checkDevice(d: WorkloadDevice): void {
  if (d.kind === 'nic') checkNic(d.nic);
  else checkDisk(d.disk);
}

function checkNic(n: WorkloadNic): void {
  if (!id.test(n.portId)) bad(`Invalid port id ${JSON.stringify(n.portId)}.`);
  if (!mac.test(n.mac)) bad(`Invalid MAC address ${JSON.stringify(n.mac)}.`);
  if (!Number.isInteger(n.mtu) || n.mtu < 68 || n.mtu > 65535) bad(`Invalid MTU ${n.mtu}.`);
  if (!ifname.test(n.hostName)) bad(`Invalid host interface name ${JSON.stringify(n.hostName)}.`);
}

function checkDisk(d: WorkloadDisk): void {
  if (!id.test(d.volumeId)) bad(`Invalid volume id ${JSON.stringify(d.volumeId)}.`);
  if (d.format !== 'raw' && d.format !== 'qcow2') bad(`Invalid disk format ${JSON.stringify(d.format)}.`);
  if (!isDiskSource(d.source)) bad('A disk source is an absolute file path or an nbd:// or nbd+unix:// URI.');
  if (d.source.startsWith('nbd') && d.format !== 'raw') bad('NBD exports are raw.');
  for (const [k, v] of Object.entries(d.qos ?? {}))
    if (!(diskQosKeys as ReadonlyArray<string>).includes(k) || !Number.isSafeInteger(v) || v < 0)
      bad(`Invalid disk QoS ${k}=${JSON.stringify(v)}.`);
}

export function isDiskSource(source: string): boolean {
  if (source.startsWith('/')) return !source.includes('\0') && !source.split('/').includes('..');
  try {
    const u = new URL(source);
    if (u.protocol === 'nbd:') return u.hostname !== '' && u.port !== '';
    if (u.protocol === 'nbd+unix:') return (u.searchParams.get('socket') ?? '').startsWith('/');
  } catch {
    return false;
  }
  return false;
}

function bad(message: string): never {
  throw new InputError('compute.device.invalid', message);
}
