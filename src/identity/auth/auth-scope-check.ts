import { expectingToFind } from '../identity-errors.js';
import type { AuthRequest } from './auth-schemas.js';

const scopeKinds = ['system', 'project', 'domain', 'OS-TRUST:trust', 'unscoped'];

/**
 * Keystone checks the scope's shape before authenticating (keystone/auth/core.py, 400):
 * exactly one kind of scope, and a project named with its domain. Application
 * credentials carry their own scope, so Keystone skips this for them.
 */
export function assertScopeShape(auth: AuthRequest): void {
  const scope = auth.scope;
  if (typeof scope !== 'object' || auth.identity.methods.includes('application_credential')) return;
  if (scopeKinds.filter((kind) => kind in scope).length !== 1) {
    throw expectingToFind('system, project, domain, OS-TRUST:trust or unscoped', 'scope');
  }
  if (scope.project?.name && scope.project.domain === undefined) throw expectingToFind('domain', 'project');
}
