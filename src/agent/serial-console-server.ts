import type { ComputeDriver, WorkloadHandle } from './drivers/driver.js';
import { supportsSerialConsole } from './drivers/driver.js';
import type { SerialConsoleServer } from './transport/control-plane.js';

/** The agent's side of Nova's serial remote console: what the driver says, by server id. */
export function serialConsoleServer(driver: ComputeDriver): SerialConsoleServer {
  // The workload is the server; the driver (or driver set) finds its owner from the id.
  const handle = (serverId: string): WorkloadHandle => ({
    workloadId: serverId,
    driver: driver.name,
    stateVersion: 1,
    state: {},
  });
  return {
    async state(serverId) {
      if (!supportsSerialConsole(driver)) return 'unsupported';
      return driver.serialConsoleState(handle(serverId));
    },
    async open(serverId) {
      if (!supportsSerialConsole(driver)) throw new Error(`driver ${driver.name} has no serial console`);
      return driver.serialConsole(handle(serverId));
    },
  };
}
