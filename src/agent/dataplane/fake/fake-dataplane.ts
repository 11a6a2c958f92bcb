import type { WorkloadNic } from '../../drivers/driver.js';
import type { DataplaneNetwork, DataplaneSecurityRule, NetworkDataplane } from '../network-dataplane.js';

/** One call the fake dataplane was asked to make. */
export type DataplaneCall =
  | { readonly op: 'ensureNetwork'; readonly networkId: string }
  | { readonly op: 'plugPort'; readonly portId: string; readonly device: string }
  | { readonly op: 'unplugPort'; readonly portId: string }
  | { readonly op: 'applySecurityGroups'; readonly portId: string; readonly rules: number };

/**
 * Nothing reaches a kernel: records every call and keeps what would be wired (networks,
 * plugged ports) in memory, so thousands of fake hosts boot servers
 * with ports and tests see what the host was asked.
 */
export class FakeDataplane implements NetworkDataplane {
  readonly name = 'fake';
  readonly vifType = 'tap';
  readonly calls: DataplaneCall[] = [];
  readonly networks = new Set<string>();
  readonly plugged = new Map<string, string>();
  /** Keeps only the last calls: a long-running fake fleet must not grow without bound. */
  constructor(private readonly maxCalls = 1000) {}

  #record(c: DataplaneCall): void {
    this.calls.push(c);
    if (this.calls.length > this.maxCalls) this.calls.splice(0, this.calls.length - this.maxCalls);
  }

  async ensureNetwork(net: DataplaneNetwork): Promise<void> {
    this.#record({ op: 'ensureNetwork', networkId: net.id });
    this.networks.add(net.id);
  }

  async plugPort(nic: WorkloadNic): Promise<string> {
    this.#record({ op: 'plugPort', portId: nic.portId, device: nic.hostName });
    this.plugged.set(nic.portId, nic.hostName);
    return nic.hostName;
  }

  async unplugPort(nic: Pick<WorkloadNic, 'portId'>): Promise<void> {
    this.#record({ op: 'unplugPort', portId: nic.portId });
    this.plugged.delete(nic.portId);
  }

  async applySecurityGroups(portId: string, rules: ReadonlyArray<DataplaneSecurityRule>): Promise<void> {
    this.#record({ op: 'applySecurityGroups', portId, rules: rules.length });
  }
}
