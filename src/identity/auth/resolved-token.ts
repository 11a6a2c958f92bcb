import type { AccessRule } from '../../common/http/access-rules.js';
import type { AuthContext } from '../../common/http/auth-context.js';
import type { Domain } from '../domains/domain-store.js';
import type { Project } from '../projects/project-store.js';
import type { Role } from '../roles/role-store.js';
import type { TokenPayload } from '../tokens/token-format.js';
import type { User } from '../users/user-store.js';

/** A token with everything it refers to loaded and checked: what views and policy need. */
export interface ResolvedToken {
  readonly id: string;
  readonly payload: TokenPayload;
  readonly user: User;
  readonly userDomain: Domain;
  readonly project?: { readonly project: Project; readonly domain: Domain };
  readonly domain?: Domain;
  readonly system: boolean;
  readonly roles: ReadonlyArray<Role>;
  readonly applicationCredential?: {
    readonly id: string;
    readonly name: string;
    readonly unrestricted: boolean;
    readonly accessRules: ReadonlyArray<AccessRule>;
  };
}

export function authContextOf(t: ResolvedToken): AuthContext {
  return {
    token: t.id,
    userId: t.user.id,
    userName: t.user.name,
    userDomainId: t.userDomain.id,
    userDomainName: t.userDomain.name,
    ...(t.project && {
      projectId: t.project.project.id,
      projectName: t.project.project.name,
      projectDomainId: t.project.domain.id,
      projectDomainName: t.project.domain.name,
    }),
    ...(t.domain && { domainId: t.domain.id, domainName: t.domain.name }),
    ...(t.system && { system: 'all' as const }),
    roles: t.roles.map((r) => r.name),
    methods: t.payload.methods,
    auditIds: t.payload.auditIds,
    issuedAt: new Date(t.payload.issuedAt).toISOString(),
    expiresAt: new Date(t.payload.expiresAt).toISOString(),
    ...(t.applicationCredential && { applicationCredentialId: t.applicationCredential.id }),
    unrestricted: t.applicationCredential === undefined || t.applicationCredential.unrestricted,
    ...(t.applicationCredential !== undefined &&
      t.applicationCredential.accessRules.length > 0 && { accessRules: t.applicationCredential.accessRules }),
  };
}
