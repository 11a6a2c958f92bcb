import { isCloudError } from '../../common/errors.js';
import type { NetworkCaller } from '../network-context.js';
import type { NetworkDeps } from '../network-deps.js';
import { createNetwork, deleteNetwork } from '../networks/network-service.js';
import { addRouterInterface, removeRouterInterface } from '../routers/router-interfaces.js';
import { createRouter, deleteRouter } from '../routers/router-service.js';
import { createSubnet } from '../subnets/subnet-service.js';
import { defaultSubnetPool } from '../subnetpools/subnetpool-store.js';
import { autoAllocationFailure } from './default-external-network.js';

/**
 * The tenant network's CIDR when the cloud has no default subnet pool (Neutron refuses
 * then): one configured CIDR serves every project, as auto-allocated networks sit behind
 * their own routers, where overlap is fine. With default pools, each subnet is a prefix
 * of the pool, as in Neutron.
 */
export const defaultAutoAllocatedCidr = '10.128.0.0/24';

/** Neutron's subnets for a topology: one per default subnet pool (IPv6 with SLAAC), or the fallback CIDR. */
async function subnetRequests(deps: NetworkDeps, networkId: string, projectId: string) {
  const base = { network_id: networkId, project_id: projectId };
  const pools = (await Promise.all([4, 6].map((v) => defaultSubnetPool(deps.store.db, v)))).filter(
    (p) => p !== undefined,
  );
  if (pools.length === 0)
    return [
      {
        ...base,
        name: 'auto_allocated_subnet_v4',
        ip_version: 4,
        cidr: deps.autoAllocatedCidr ?? defaultAutoAllocatedCidr,
      },
    ];
  return pools.map((p) => ({
    ...base,
    name: `auto_allocated_subnet_v${p.ip_version}`,
    ip_version: p.ip_version,
    subnetpool_id: p.id,
    ...(p.ip_version === 6 && { ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac' }),
  }));
}

export interface BuiltTopology {
  readonly networkId: string;
  readonly routerId?: string | undefined;
  readonly subnetIds: ReadonlyArray<string>;
}

/** The service acts for the project, as Neutron's plugin does with the request's context. */
const serviceFor = (projectId: string): NetworkCaller => ({ projectId, isAdmin: true, can: () => true });

/** Network (down until saved), subnet, router with gateway, interface; undone on failure. */
export async function buildTopology(
  deps: NetworkDeps,
  projectId: string,
  externalNetworkId: string,
): Promise<BuiltTopology & { readonly routerId: string }> {
  const caller = serviceFor(projectId);
  const net = await createNetwork(deps, caller, {
    name: 'auto_allocated_network',
    admin_state_up: false,
    shared: false,
    project_id: projectId,
  });
  const done: { networkId: string; routerId?: string; subnetIds: string[] } = {
    networkId: net.id,
    subnetIds: [],
  };
  try {
    const subnets = [];
    for (const request of await subnetRequests(deps, net.id, projectId))
      subnets.push(await createSubnet(deps, caller, request));
    const router = await createRouter(deps, caller, {
      name: 'auto_allocated_router',
      external_gateway_info: { network_id: externalNetworkId },
      project_id: projectId,
      admin_state_up: true,
    });
    done.routerId = router.id;
    for (const subnet of subnets) {
      await addRouterInterface(deps, caller, router.id, { subnet_id: subnet.id });
      done.subnetIds.push(subnet.id);
    }
    return { ...done, routerId: router.id };
  } catch (err) {
    await cleanupTopology(deps, done);
    deps.log.error({ err, projectId }, 'auto-allocated topology failed');
    throw autoAllocationFailure(
      done.routerId === undefined
        ? 'Unable to provide tenant private network'
        : 'Unable to provide external connectivity',
    );
  }
}

/** Neutron's _cleanup: interfaces, router, network; a piece already gone is skipped. */
export async function cleanupTopology(deps: NetworkDeps, t: BuiltTopology): Promise<void> {
  const caller: NetworkCaller = { projectId: undefined, isAdmin: true, can: () => true };
  if (t.routerId !== undefined) {
    for (const subnetId of t.subnetIds)
      await ignoreNotFound(() => removeRouterInterface(deps, caller, t.routerId!, { subnet_id: subnetId }));
    await ignoreNotFound(() => deleteRouter(deps, caller, t.routerId!));
  }
  await ignoreNotFound(() => deleteNetwork(deps, caller, t.networkId));
}

async function ignoreNotFound(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (!(isCloudError(err) && err.status === 404)) throw err;
  }
}
