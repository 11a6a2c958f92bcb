import type { FastifyInstance } from 'fastify';
import { neutronFault } from '../common/faults/neutron-fault.js';
import type { ServicePlugin } from '../common/http/service-plugin.js';
import { serviceRoutes } from '../common/http/service-routes.js';
import { addJsonParser } from '../common/http/json-body.js';
import type { ServiceContext } from '../common/service-context.js';
import { absoluteDomain } from './dns/dns-names.js';
import { extensionRoutes } from './discovery/extension-routes.js';
import { versionRoutes } from './discovery/network-version-routes.js';
import type { NetworkDeps } from './network-deps.js';
import type { NetworkApi } from './network-api.js';
import { networkApi } from './network-api.js';
import type { NetworkBootstrap } from './network-defaults.js';
import { networkBootstrap } from './network-defaults.js';
import { NetworkChanges } from './network-changes.js';
import { networkPolicy } from './network-policy.js';
import { networkRoutes } from './networks/network-routes.js';
import { portRoutes } from './ports/port-routes.js';
import { quotaRoutes } from './quotas/quota-routes.js';
import { securityGroupRuleRoutes } from './security-groups/security-group-rule-routes.js';
import { securityGroupRoutes } from './security-groups/security-group-routes.js';
import { floatingIpRoutes } from './floatingips/floatingip-routes.js';
import { availabilityZoneRoutes } from './availability-zones/availability-zone-routes.js';
import { ipAvailabilityRoutes } from './ip-availability/ip-availability-routes.js';
import { routerRoutes } from './routers/router-routes.js';
import { tagRoutes } from './tags/tag-routes.js';
import { rbacRoutes } from './rbac/rbac-routes.js';
import { autoAllocationRoutes } from './auto-allocation/auto-allocation-routes.js';
import { subnetRoutes } from './subnets/subnet-routes.js';
import { subnetPoolRoutes } from './subnetpools/subnetpool-routes.js';
import { addressScopeRoutes } from './address-scopes/address-scope-routes.js';
import { addressGroupRoutes } from './address-groups/address-group-routes.js';

export const networkRouteTable = [
  ...versionRoutes,
  ...extensionRoutes,
  ...networkRoutes,
  ...subnetRoutes,
  ...subnetPoolRoutes,
  ...addressScopeRoutes,
  ...addressGroupRoutes,
  ...portRoutes,
  ...securityGroupRoutes,
  ...securityGroupRuleRoutes,
  ...routerRoutes,
  ...floatingIpRoutes,
  ...availabilityZoneRoutes,
  ...ipAvailabilityRoutes,
  ...quotaRoutes,
  ...tagRoutes,
  ...rbacRoutes,
  ...autoAllocationRoutes,
];

/** Networking v2.0 (Neutron) mounted at /network: networks, subnets, ports and their addresses, routers and floating IPs. */
export function networkService(
  ctx: ServiceContext,
): ServicePlugin & { readonly api: NetworkApi; readonly bootstrap: NetworkBootstrap } {
  const prefix = '/network';
  const changes = new NetworkChanges();
  const deps: NetworkDeps = {
    store: ctx.store,
    clock: ctx.clock,
    log: ctx.log,
    physnetMtu: 1500,
    dnsDomain: absoluteDomain(ctx.config.dnsDomain),
  };
  return {
    api: networkApi(deps, changes),
    bootstrap: networkBootstrap(deps),
    name: 'network',
    serviceType: 'network',
    catalogName: 'neutron',
    prefix,
    catalogSuffix: '',
    policy: networkPolicy,
    fault: neutronFault,
    // Neutron (pecan, guess_content_type_from_ext) takes `/v2.0/networks.json` for `/v2.0/networks`.
    rewritePath: (path) => (path.endsWith('.json') ? path.slice(0, -'.json'.length) : path),
    plugin: serviceRoutes({
      name: 'network',
      prefix,
      deps,
      routes: networkRouteTable,
      fault: neutronFault,
      tokens: ctx.http.tokens,
      policy: ctx.http.policy,
      malformedBodyMessage: 'Malformed request body',
      rejectOtherMethods: true,
      configure: (app) => {
        // Neutron reads every request body as JSON whatever its Content-Type says, or when it
        // has none (neutron-tempest-plugin's updates send none).
        app.removeAllContentTypeParsers();
        addJsonParser(app, '*', { poisoning: 'error', emptyIsNoBody: true });
        notifyOnWrites(app, changes);
      },
      // keystonemiddleware points clients at Keystone when it refuses a token.
      unauthorizedHeaders: (serviceUrl) => ({
        'www-authenticate': `Keystone uri="${serviceUrl.replace(/\/network$/, '/identity')}"`,
      }),
      strictErrors: ctx.http.strictErrors,
      strictResponses: ctx.http.strictResponses,
    }),
  };
}

/** Every API write that succeeded wakes the hosts' network controllers (rule changes reach ports at once). */
function notifyOnWrites(app: FastifyInstance, changes: NetworkChanges): void {
  app.addHook('onResponse', async (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && reply.statusCode < 400) changes.changed();
  });
}

export { networkPolicy } from './network-policy.js';
export type { NetworkBootstrap } from './network-defaults.js';
export type { HostNetworkView } from './host-state/host-network-view.js';
export type {
  NetworkApi,
  NetworkInfo,
  NetworkUser,
  PortFixedIp,
  PortInfo,
  PortTemplate,
} from './network-api.js';
export type { PreparedPort } from './ports/port-service.js';
export type { SecurityGroupInfo, SecurityGroupRuleInfo } from './security-groups/security-group-lookup.js';
