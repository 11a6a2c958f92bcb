import type { ServicePlugin } from '../common/http/service-plugin.js';
import { serviceRoutes } from '../common/http/service-routes.js';
import { keystoneFault } from '../common/faults/keystone-fault.js';
import type { PolicyEnforcer } from '../common/policy/policy-engine.js';
import { accessRuleRoutes } from './application-credentials/access-rule-routes.js';
import { applicationCredentialRoutes } from './application-credentials/application-credential-routes.js';
import { assignmentRoutes } from './assignments/assignment-routes.js';
import { authRoutes } from './auth/auth-routes.js';
import { endpointRoutes } from './catalog/endpoint-routes.js';
import { regionRoutes } from './catalog/region-routes.js';
import { serviceEntryRoutes } from './catalog/service-entry-routes.js';
import { domainRoutes } from './domains/domain-routes.js';
import { groupRoutes } from './groups/group-routes.js';
import type { IdentityDeps } from './identity-deps.js';
import { identityPolicy } from './identity-policy.js';
import { versionRoutes } from './identity-version.js';
import { projectRoutes } from './projects/project-routes.js';
import { projectTagRoutes } from './projects/project-tag-routes.js';
import { roleRoutes } from './roles/role-routes.js';
import { userRoutes } from './users/user-routes.js';
import type { CachingTokenValidator } from './token-validator.js';

export const identityRouteTable = [
  ...versionRoutes,
  ...authRoutes,
  ...domainRoutes,
  ...projectRoutes,
  ...projectTagRoutes,
  ...userRoutes,
  ...groupRoutes,
  ...roleRoutes,
  ...assignmentRoutes,
  ...applicationCredentialRoutes,
  ...accessRuleRoutes,
  ...regionRoutes,
  ...serviceEntryRoutes,
  ...endpointRoutes,
];

const malformedBody =
  'Expecting to find valid JSON in request body. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.';

/** Identity v3 (Keystone) mounted at /identity. */
export function identityService(
  deps: IdentityDeps,
  shared: {
    tokens: CachingTokenValidator;
    policy: PolicyEnforcer;
    strictErrors: boolean;
    strictResponses: boolean;
  },
): ServicePlugin {
  const prefix = '/identity';
  return {
    name: 'identity',
    serviceType: 'identity',
    catalogName: 'keystone',
    prefix,
    catalogSuffix: '/v3',
    policy: identityPolicy,
    fault: keystoneFault,
    plugin: serviceRoutes({
      name: 'identity',
      prefix,
      deps,
      routes: identityRouteTable,
      fault: keystoneFault,
      tokens: shared.tokens,
      policy: shared.policy,
      malformedBodyMessage: malformedBody,
      rejectOtherMethods: true,
      unauthorizedHeaders: (serviceUrl) => ({ 'www-authenticate': `Keystone uri="${serviceUrl}"` }),
      strictErrors: shared.strictErrors,
      strictResponses: shared.strictResponses,
      // Any identity write may revoke or change what a cached token grants.
      configure: (app) =>
        app.addHook('onResponse', async (req) => {
          if (req.method !== 'GET' && req.method !== 'HEAD') shared.tokens.invalidate();
        }),
    }),
  };
}

export { createTokenValidator } from './token-validator.js';
export { projectExists } from './projects/project-service.js';
export { identityPolicy } from './identity-policy.js';
export type { IdentityDeps } from './identity-deps.js';
