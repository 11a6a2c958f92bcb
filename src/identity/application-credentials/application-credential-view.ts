import { osloTime } from '../../common/time.js';
import type { Role } from '../roles/role-store.js';
import type { ApplicationCredential } from './application-credential-store.js';

export function applicationCredentialView(
  c: ApplicationCredential,
  roles: ReadonlyArray<Role>,
  serviceUrl: string,
  secret?: string,
) {
  return {
    id: c.id,
    name: c.name,
    description: c.description === '' ? null : c.description,
    user_id: c.userId,
    project_id: c.projectId,
    roles: roles
      .filter((r) => c.roleIds.includes(r.id))
      .map((r) => ({ id: r.id, name: r.name, domain_id: r.domainId })),
    // gophercloud reads this field without a zone (RFC3339MilliNoZ).
    expires_at: c.expiresAt === null ? null : osloTime(c.expiresAt),
    unrestricted: c.unrestricted,
    access_rules: c.accessRules,
    ...(secret !== undefined && { secret }),
    links: { self: `${serviceUrl}/v3/users/${c.userId}/application_credentials/${c.id}` },
  };
}
