import type { PowerObservation } from '../driver.js';

export interface PowerReading {
  readonly power: PowerObservation;
  readonly reason?: string;
}

/** QMP `query-status` run states, as the agent's power states. */
export function powerFromStatus(status: string): PowerReading {
  switch (status) {
    case 'running':
    case 'colo':
      return { power: 'running' };
    case 'paused':
    case 'debug':
    case 'prelaunch':
    case 'inmigrate':
    case 'finish-migrate':
    case 'save-vm':
    case 'restore-vm':
      return { power: 'paused' };
    // postmigrate: the state is saved and QEMU is about to quit (suspend); suspended: guest S3.
    case 'postmigrate':
    case 'suspended':
      return { power: 'suspended' };
    case 'shutdown':
      return { power: 'shutdown', reason: 'the guest powered itself off' };
    case 'guest-panicked':
      return { power: 'crashed', reason: 'the guest kernel panicked' };
    default:
      // internal-error, io-error, watchdog, and anything newer QEMUs add.
      return { power: 'crashed', reason: `QEMU reports run state ${status}` };
  }
}

/** No QEMU process: what the record says the driver left it as decides what that means. */
export function powerWithoutProcess(recorded: string, hasSavedState: boolean): PowerReading {
  if (hasSavedState) return { power: 'suspended' };
  if (recorded === 'running' || recorded === 'paused')
    return {
      power: 'crashed',
      reason: 'the QEMU process exited unexpectedly (it was not stopped by the driver)',
    };
  return { power: 'shutdown' };
}
