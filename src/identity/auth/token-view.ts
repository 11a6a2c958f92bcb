import { keystoneTime } from '../../common/time.js';
import type { CatalogEntry } from '../catalog/catalog-service.js';
import type { ResolvedToken } from './resolved-token.js';

/** The token body keystoneauth, openstacksdk and keystonemiddleware parse. */
export function tokenView(t: ResolvedToken, catalog: ReadonlyArray<CatalogEntry> | undefined) {
  const domainRef = (d: { id: string; name: string }) => ({ id: d.id, name: d.name });
  return {
    token: {
      methods: t.payload.methods,
      user: { domain: domainRef(t.userDomain), id: t.user.id, name: t.user.name, password_expires_at: null },
      audit_ids: t.payload.auditIds,
      expires_at: keystoneTime(new Date(t.payload.expiresAt)),
      issued_at: keystoneTime(new Date(t.payload.issuedAt)),
      ...(t.project && {
        project: {
          domain: domainRef(t.project.domain),
          id: t.project.project.id,
          name: t.project.project.name,
        },
        is_domain: false,
      }),
      ...(t.domain && { domain: domainRef(t.domain) }),
      ...(t.system && { system: { all: true } }),
      ...(t.payload.scope.kind !== 'unscoped' && { roles: t.roles.map((r) => ({ id: r.id, name: r.name })) }),
      ...(t.applicationCredential && {
        application_credential: {
          id: t.applicationCredential.id,
          name: t.applicationCredential.name,
          restricted: !t.applicationCredential.unrestricted,
          ...(t.applicationCredential.accessRules.length > 0 && {
            access_rules: t.applicationCredential.accessRules,
          }),
        },
      }),
      ...(catalog !== undefined && t.payload.scope.kind !== 'unscoped' && { catalog }),
    },
  };
}
