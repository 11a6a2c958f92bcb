import type { NetworkCaller } from './network-context.js';
import type { NetworkDeps } from './network-deps.js';
import { createNetwork } from './networks/network-service.js';
import { addRouterInterface } from './routers/router-interfaces.js';
import { createRouter } from './routers/router-service.js';
import { createRule } from './security-groups/security-group-rule-service.js';
import { ensureDefaultGroup } from './security-groups/security-group-defaults.js';
import { createSubnet } from './subnets/subnet-service.js';
import { createSubnetPool } from './subnetpools/subnetpool-service.js';

/**
 * DevStack's defaults (lib/neutron's PUBLIC_NETWORK_NAME, FLOATING_RANGE,
 * PUBLIC_NETWORK_GATEWAY, PUBLIC_PHYSICAL_NETWORK, FIXED_RANGE, NETWORK_GATEWAY,
 * Q_ROUTER_NAME, and its shared default subnet pool with SUBNETPOOL_PREFIX_V4 and
 * SUBNETPOOL_SIZE_V4): tools and guides written against DevStack find them by these names.
 * As there, the private subnet is the pool's first prefix.
 */
export const defaultNetworks = {
  public: {
    name: 'public',
    physnet: 'public',
    subnet: 'public-subnet',
    cidr: '172.24.4.0/24',
    gateway: '172.24.4.1',
  },
  private: { name: 'private', subnet: 'private-subnet', cidr: '10.0.0.0/26', gateway: '10.0.0.1' },
  subnetPool: { name: 'shared-default-subnetpool-v4', prefix: '10.0.0.0/22', prefixlen: 26 },
  router: 'router1',
} as const;

/** What the network service offers `strata up`. */
export interface NetworkBootstrap {
  /**
   * Creates the defaults when the cloud has no network at all (a fresh cloud); true when it
   * did. Later starts create nothing, so what an operator deletes stays deleted while any
   * network remains.
   */
  createDefaults(adminProjectId: string): Promise<boolean>;
}

export function networkBootstrap(deps: NetworkDeps): NetworkBootstrap {
  return {
    async createDefaults(adminProjectId) {
      const any = await deps.store.db.selectFrom('networks').select('id').limit(1).executeTakeFirst();
      if (any !== undefined) return false;
      await createDefaults(deps, adminProjectId);
      return true;
    },
  };
}

/** Through the service functions an admin's API calls run, so every rule of theirs holds. */
async function createDefaults(deps: NetworkDeps, projectId: string): Promise<void> {
  const admin: NetworkCaller = { projectId, isAdmin: true, can: () => true };
  const pub = defaultNetworks.public;
  const external = await createNetwork(deps, admin, {
    name: pub.name,
    'router:external': true,
    // DevStack marks its public network the default: auto-allocated topologies route to it.
    is_default: true,
    shared: false,
    'provider:network_type': 'flat',
    'provider:physical_network': pub.physnet,
  });
  // No DHCP on the external subnet, as DevStack: its addresses are gateways and floating IPs.
  await createSubnet(deps, admin, {
    name: pub.subnet,
    network_id: external.id,
    ip_version: 4,
    cidr: pub.cidr,
    gateway_ip: pub.gateway,
    enable_dhcp: false,
  });
  const pool = defaultNetworks.subnetPool;
  const subnetPool = await createSubnetPool(deps, admin, {
    name: pool.name,
    prefixes: [pool.prefix],
    default_prefixlen: pool.prefixlen,
    shared: true,
    is_default: true,
  });
  const priv = defaultNetworks.private;
  const tenant = await createNetwork(deps, admin, { name: priv.name });
  // The pool's first /26, which is priv.cidr: asked for by CIDR so the gateway is DevStack's.
  const subnet = await createSubnet(deps, admin, {
    name: priv.subnet,
    network_id: tenant.id,
    ip_version: 4,
    subnetpool_id: subnetPool.id,
    cidr: priv.cidr,
    gateway_ip: priv.gateway,
  });
  const router = await createRouter(deps, admin, {
    name: defaultNetworks.router,
    external_gateway_info: { network_id: external.id },
  });
  await addRouterInterface(deps, admin, router.id, { subnet_id: subnet.id });
  await openDefaultGroup(deps, admin, projectId);
}

/** Ping and SSH from anywhere into the project's default group (IPv4), as DevStack guides do. */
async function openDefaultGroup(deps: NetworkDeps, admin: NetworkCaller, projectId: string): Promise<void> {
  const group = await ensureDefaultGroup(deps, admin, projectId);
  if (group === undefined) return;
  const ingress = {
    security_group_id: group,
    direction: 'ingress',
    ethertype: 'IPv4',
    remote_ip_prefix: '0.0.0.0/0',
  };
  await createRule(deps, admin, { ...ingress, protocol: 'icmp' });
  await createRule(deps, admin, { ...ingress, protocol: 'tcp', port_range_min: 22, port_range_max: 22 });
}
