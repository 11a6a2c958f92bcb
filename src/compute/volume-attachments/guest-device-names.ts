import { InputError } from '../../common/errors.js';

/**
 * Device names as the guest sees them, the way Nova's libvirt driver reports them: the
 * root is vda, the disks a server boots with follow it, the config drive takes the first
 * name left after those, and a volume attached later takes the first name still free.
 */
export const rootDeviceName = '/dev/vda';

/** The first /dev/vdX (from vdb) that `used` does not hold. */
export function firstFreeDeviceName(used: ReadonlySet<string>): string {
  for (let c = 'b'.charCodeAt(0); c <= 'z'.charCodeAt(0); c++) {
    const name = `/dev/vd${String.fromCharCode(c)}`;
    if (!used.has(name)) return name;
  }
  throw new InputError('volume.attachment.no_device', 'No free device name left on the server.');
}

/**
 * The name a volume hot-plugged into a VM with a config drive gets: after the config drive,
 * which sits right after the disks the VM booted with (`bootNames`), so the name is the one
 * the guest gives the new disk. `attachedNames`: every disk the server has now.
 */
export function hotPlugDeviceName(
  bootNames: ReadonlyArray<string>,
  attachedNames: ReadonlyArray<string>,
): string {
  const configDrive = firstFreeDeviceName(new Set([rootDeviceName, ...bootNames]));
  return firstFreeDeviceName(new Set([rootDeviceName, configDrive, ...attachedNames]));
}
