import { computeFault } from '../common/faults/compute-fault.js';
import { agentApiPolicy, agentApiRoutes } from './agent-api/agent-api-routes.js';
import { aggregatePolicy } from './aggregates/aggregate-policy.js';
import { aggregateRoutes } from './aggregates/aggregate-routes.js';
import type { RouteSpec } from '../common/http/route-spec.js';
import type { ServicePlugin } from '../common/http/service-plugin.js';
import { serviceRoutes } from '../common/http/service-routes.js';
import type { ServiceContext } from '../common/service-context.js';
import type { ComputeDeps } from './compute-deps.js';
import { computeRequestIdHeader } from './compute-headers.js';
import { computeBasePolicy } from './compute-policy.js';
import { computeMicroversions, computeVersionRoutes } from './compute-version.js';
import { extensionPolicy, extensionRoutes } from './extensions/extension-routes.js';
import { externalEventPolicy, externalEventRoutes } from './external-events/external-event-routes.js';
import { flavorPolicy } from './flavors/flavor-policy.js';
import { flavorRoutes } from './flavors/flavor-routes.js';
import { hostPolicy } from './hosts/host-policy.js';
import { hostRoutes } from './hosts/host-routes.js';
import { keypairPolicy } from './keypairs/keypair-policy.js';
import { keypairRoutes } from './keypairs/keypair-routes.js';
import { imageMetadataRoutes } from './images/image-metadata-routes.js';
import { imageProxyRoutes } from './images/image-proxy-routes.js';
import { quotaPolicy } from './quotas/quota-policy.js';
import { quotaRoutes } from './quotas/quota-routes.js';
import { quotaClassPolicy, quotaClassRoutes } from './quotas/quota-class-routes.js';
import { serverGroupPolicy } from './server-groups/server-group-policy.js';
import { serverGroupRoutes } from './server-groups/server-group-routes.js';
import { instanceActionRoutes } from './instance-actions/instance-action-routes.js';
import { migrationRoutes } from './servers/migration-routes.js';
import { serverActionRoutes } from './servers/server-action-routes.js';
import { serverTagRoutes } from './servers/server-tag-routes.js';
import { serverMetadataRoutes } from './servers/server-metadata-routes.js';
import { serverPolicy } from './servers/server-policy.js';
import { serverRoutes } from './servers/server-routes.js';
import { serverIpPolicy, serverIpRoutes } from './networking/server-ip-routes.js';
import { floatingIpPoolPolicy, floatingIpPoolRoutes } from './networking/floating-ip-pool-routes.js';
import {
  securityGroupProxyPolicy,
  securityGroupProxyRoutes,
} from './networking/security-group-proxy-routes.js';
import {
  serverSecurityGroupPolicy,
  serverSecurityGroupRoutes,
} from './networking/server-security-group-routes.js';
import { interfacePolicy, interfaceRoutes } from './networking/interface-routes.js';
import { fixedIpPolicy } from './networking/server-fixed-ip-routes.js';
import { usagePolicy } from './usage/usage-policy.js';
import { remoteConsolePolicy, remoteConsoleRoutes } from './consoles/remote-console-routes.js';
import { usageRoutes } from './usage/usage-routes.js';
import type { VolumeApi } from '../volume/index.js';
import {
  volumeAttachmentPolicy,
  volumeAttachmentRoutes,
} from './volume-attachments/volume-attachment-routes.js';

/** Every compute route; resources add one spread line each. */
export const computeRouteTable: ReadonlyArray<RouteSpec<ComputeDeps>> = [
  ...computeVersionRoutes,
  ...extensionRoutes,
  ...flavorRoutes,
  ...keypairRoutes,
  ...imageProxyRoutes,
  ...imageMetadataRoutes,
  ...quotaRoutes,
  ...quotaClassRoutes,
  ...serverGroupRoutes,
  ...hostRoutes,
  ...aggregateRoutes,
  ...serverRoutes,
  ...serverActionRoutes,
  ...serverTagRoutes,
  ...serverIpRoutes,
  ...serverSecurityGroupRoutes,
  ...securityGroupProxyRoutes,
  ...floatingIpPoolRoutes,
  ...interfaceRoutes,
  ...serverMetadataRoutes,
  ...migrationRoutes,
  ...instanceActionRoutes,
  ...remoteConsoleRoutes,
  ...externalEventRoutes,
  ...usageRoutes,
  ...agentApiRoutes,
];

/** Every compute policy default; resources add one spread line each. */
export const computePolicy: Readonly<Record<string, string>> = {
  ...computeBasePolicy,
  ...extensionPolicy,
  ...flavorPolicy,
  ...keypairPolicy,
  ...quotaPolicy,
  ...quotaClassPolicy,
  ...serverGroupPolicy,
  ...hostPolicy,
  ...aggregatePolicy,
  ...serverPolicy,
  ...usagePolicy,
  ...agentApiPolicy,
  ...volumeAttachmentPolicy,
  ...serverIpPolicy,
  ...serverSecurityGroupPolicy,
  ...securityGroupProxyPolicy,
  ...floatingIpPoolPolicy,
  ...interfacePolicy,
  ...fixedIpPolicy,
  ...remoteConsolePolicy,
  ...externalEventPolicy,
};

/** Compute v2.1 (Nova) mounted at /compute; the catalog points at /compute/v2.1. */
/** `volumes`: block storage's in-process API, for os-volume_attachments (absent: not served). */
export function computeService(ctx: ServiceContext, deps: ComputeDeps, volumes?: VolumeApi): ServicePlugin {
  const prefix = '/compute';
  return {
    name: 'compute',
    serviceType: 'compute',
    catalogName: 'nova',
    prefix,
    catalogSuffix: '/v2.1',
    policy: computePolicy,
    fault: computeFault,
    plugin: serviceRoutes({
      name: 'compute',
      prefix,
      deps,
      routes: volumes ? [...computeRouteTable, ...volumeAttachmentRoutes(volumes)] : computeRouteTable,
      fault: computeFault,
      tokens: ctx.http.tokens,
      policy: ctx.http.policy,
      malformedBodyMessage: 'Malformed request body',
      microversions: computeMicroversions,
      strictErrors: ctx.http.strictErrors,
      strictResponses: ctx.http.strictResponses,
      configure: computeRequestIdHeader,
    }),
  };
}

export type { ComputeDeps } from './compute-deps.js';
