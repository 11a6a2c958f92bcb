import { createHash } from 'node:crypto';
import type { DeviceRef } from '../driver.js';

/**
 * QEMU names of one device: the guest-visible device and its backend (netdev or block
 * node). Port and volume ids may hold any character and block node names are limited to 31
 * bytes, so the names carry a short hash of the id: valid, deterministic, and the same for
 * attach, detach and every launch.
 */
export interface DeviceIds {
  readonly device: string;
  readonly backend: string;
}

export function deviceIds(ref: DeviceRef): DeviceIds {
  const h = createHash('sha256').update(`${ref.kind}:${ref.id}`).digest('hex').slice(0, 12);
  return ref.kind === 'nic'
    ? { device: `nic-${h}`, backend: `net-${h}` }
    : { device: `disk-${h}`, backend: `vol-${h}` };
}
