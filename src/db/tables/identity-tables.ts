import type { ColumnType, Generated } from 'kysely';
import type { Flag } from '../column-types.js';

/** Identity (Keystone) tables. */
export interface IdentityTables {
  domains: DomainTable;
  projects: ProjectTable;
  users: UserTable;
  groups: GroupTable;
  user_group_memberships: UserGroupMembershipTable;
  roles: RoleTable;
  implied_roles: ImpliedRoleTable;
  role_assignments: RoleAssignmentTable;
  application_credentials: ApplicationCredentialTable;
  access_rules: AccessRuleTable;
  regions: RegionTable;
  services: ServiceTable;
  endpoints: EndpointTable;
  revocation_events: RevocationEventTable;
  token_keys: TokenKeyTable;
}

type CreatedAt = ColumnType<string, string, never>;

export interface DomainTable {
  id: string;
  name: string;
  description: string;
  enabled: Flag;
  extra: string;
  created_at: CreatedAt;
}

export interface ProjectTable {
  id: string;
  name: string;
  domain_id: string;
  /** Null for a top-level project: the API shows the domain id as its parent. */
  parent_id: string | null;
  description: string;
  enabled: Flag;
  tags: string;
  extra: string;
  created_at: CreatedAt;
}

export interface UserTable {
  id: string;
  name: string;
  domain_id: string;
  enabled: Flag;
  password_hash: string | null;
  password_created_at: string | null;
  default_project_id: string | null;
  description: string;
  extra: string;
  options: string;
  created_at: CreatedAt;
  /** Wrong passwords in a row (Keystone's lockout); reset by a right one or by enabling the user. */
  failed_auth_count: Generated<number>;
  failed_auth_at: string | null;
}

export interface GroupTable {
  id: string;
  name: string;
  domain_id: string;
  description: string;
  created_at: CreatedAt;
}

export interface UserGroupMembershipTable {
  user_id: string;
  group_id: string;
}

export interface RoleTable {
  id: string;
  name: string;
  /** Null for a global role; a domain id for a domain-specific role. */
  domain_id: string | null;
  description: string;
  options: string;
  created_at: CreatedAt;
}

export interface ImpliedRoleTable {
  prior_role_id: string;
  implied_role_id: string;
}

export type AssignmentType =
  'UserProject' | 'GroupProject' | 'UserDomain' | 'GroupDomain' | 'UserSystem' | 'GroupSystem';

export interface RoleAssignmentTable {
  type: AssignmentType;
  actor_id: string;
  /** Project or domain id; 'system' for system assignments. */
  target_id: string;
  role_id: string;
  /** 1 when the grant is inherited by the target's projects (OS-INHERIT). */
  inherited: Flag;
}

export interface ApplicationCredentialTable {
  id: string;
  name: string;
  user_id: string;
  project_id: string;
  secret_hash: string;
  description: string;
  expires_at: string | null;
  unrestricted: Flag;
  /** JSON array of role ids the credential may use. */
  roles: string;
  access_rules: string;
  created_at: CreatedAt;
}

/** A user's access rules; they outlive the application credentials that used them. */
export interface AccessRuleTable {
  id: string;
  user_id: string;
  service: string;
  method: string;
  path: string;
}

export interface RegionTable {
  id: string;
  description: string;
  parent_region_id: string | null;
  extra: string;
}

export interface ServiceTable {
  id: string;
  type: string;
  name: string;
  description: string;
  enabled: Flag;
  extra: string;
}

export interface EndpointTable {
  id: string;
  service_id: string;
  region_id: string | null;
  interface: 'public' | 'internal' | 'admin';
  url: string;
  enabled: Flag;
  extra: string;
}

/** Tokens carry no row; these events invalidate sets of them (Keystone's revoke model). */
export interface RevocationEventTable {
  id: string;
  user_id: string | null;
  project_id: string | null;
  domain_id: string | null;
  audit_id: string | null;
  /** Tokens issued at or before this instant match. */
  issued_before: string;
  revoked_at: string;
  /** The event can be pruned after this: no token it could match is still valid. */
  expires_at: string;
}

/** Token encryption keys; shared through the database so every API process can validate. */
export interface TokenKeyTable {
  id: number;
  key: string;
  /** 'primary' encrypts; 'secondary' only decrypts; 'staged' becomes the next primary. */
  state: 'primary' | 'secondary' | 'staged';
  created_at: CreatedAt;
}
