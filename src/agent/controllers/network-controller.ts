import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { NetworkDataplane, ServicePortStatus } from '../dataplane/network-dataplane.js';
import type { NetworkControlPlane } from '../transport/control-plane.js';

export interface NetworkControllerDeps {
  readonly hostname: string;
  readonly networks: NetworkControlPlane;
  readonly dataplane: NetworkDataplane & Required<Pick<NetworkDataplane, 'sync'>>;
}

/**
 * Makes the host's network match the control plane's desired state, whole, on every pass:
 * one key (the host), so passes never overlap and a burst of notices collapses into one.
 * Woken by the network service's change notices (a rule change reaches running ports at
 * once) and by the resync timer, which also repairs drift: a deleted bridge, a flushed
 * nft table, a device that appeared after its port was plugged.
 */
export function networkController(d: NetworkControllerDeps): Reconciler {
  const reported = new Map<string, ServicePortStatus['status']>();
  return {
    name: `network@${d.hostname}`,
    listKeys: async () => [d.hostname],
    async reconcile(_key, signal): Promise<ReconcileResult> {
      const state = await d.networks.hostState(d.hostname);
      try {
        await d.dataplane.sync(state, signal);
      } finally {
        // Also after a failed pass: a DHCP server or router that could not be set up is DOWN.
        await reportServicePorts(d, reported);
      }
      return {};
    },
  };
}

/**
 * Reports the DHCP and router ports whose status changed since the last report the network
 * service took (Neutron's DHCP and L3 agents' port updates); a refused one is sent again.
 */
async function reportServicePorts(
  d: NetworkControllerDeps,
  reported: Map<string, ServicePortStatus['status']>,
): Promise<void> {
  const now = d.dataplane.servicePortStatuses?.() ?? [];
  const changed = changedStatuses(now, reported);
  const current = new Set(now.map((s) => s.portId));
  for (const id of reported.keys()) if (!current.has(id)) reported.delete(id);
  if (changed.length === 0) return;
  const accepted = new Set(await d.networks.reportServicePorts(d.hostname, changed, d.dataplane.vifType));
  for (const s of changed) if (accepted.has(s.portId)) reported.set(s.portId, s.status);
}

/** Whether the dataplane reconciles whole host states (the fake one does not). */
export function syncsHostState(
  dp: NetworkDataplane,
): dp is NetworkDataplane & Required<Pick<NetworkDataplane, 'sync'>> {
  return typeof dp.sync === 'function';
}

/** The statuses that differ from those last reported (all of them the first time). Pure. */
export function changedStatuses(
  now: ReadonlyArray<ServicePortStatus>,
  reported: ReadonlyMap<string, ServicePortStatus['status']>,
): ServicePortStatus[] {
  return now.filter((s) => reported.get(s.portId) !== s.status);
}
