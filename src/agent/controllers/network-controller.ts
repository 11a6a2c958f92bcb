import type { ReconcileResult, Reconciler } from '../../common/reconcile/controller.js';
import type { NetworkDataplane } from '../dataplane/network-dataplane.js';
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
  return {
    name: `network@${d.hostname}`,
    listKeys: async () => [d.hostname],
    async reconcile(_key, signal): Promise<ReconcileResult> {
      const state = await d.networks.hostState(d.hostname);
      await d.dataplane.sync(state, signal);
      return {};
    },
  };
}

/** Whether the dataplane reconciles whole host states (the fake one does not). */
export function syncsHostState(
  dp: NetworkDataplane,
): dp is NetworkDataplane & Required<Pick<NetworkDataplane, 'sync'>> {
  return typeof dp.sync === 'function';
}
