import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SerialConsoleState } from '../driver.js';
import type { QemuRuntime } from './qemu-runtime.js';
import { exists } from './qemu-runtime.js';
import { isSafeWorkloadId } from './qemu-workload.js';

/**
 * Ready while QEMU runs with the serial socket; a VM booted before serial sockets existed
 * (its serial port is a plain file) has none until its next start.
 */
export async function qemuSerialState(rt: QemuRuntime, workloadId: string): Promise<SerialConsoleState> {
  if (!isSafeWorkloadId(workloadId)) return 'not-running';
  const paths = rt.paths(workloadId);
  const pid = await rt
    .vm(paths)
    .pid()
    .catch(() => undefined);
  if (pid === undefined) return 'not-running';
  return (await exists(paths.serial)) ? 'ready' : 'unsupported';
}

/** Connects to the VM's serial socket; rejects (and leaves nothing open) when QEMU does not accept. */
export function openQemuSerial(rt: QemuRuntime, workloadId: string): Promise<Duplex> {
  const socket = connect(rt.paths(workloadId).serial);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', (err) => {
      socket.destroy();
      reject(err);
    });
  });
}
