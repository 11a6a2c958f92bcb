/**
 * Default identity policy, in oslo.policy syntax so operators can override any rule.
 * Personas follow Keystone: reader < member < admin (implied roles), scoped to the system,
 * a domain or a project. As Keystone does without enforce_scope, the legacy
 * `admin_required` (the admin role on any scope) stays a cloud administrator.
 */
const admin = 'rule:admin_required';
const systemReader = '(role:reader and system_scope:all)';
const domainReader = (path: string) => `(role:reader and domain_id:%(target.${path})s)`;
const domainAdmin = (path: string) => `(role:admin and domain_id:%(target.${path})s)`;
const projectReader = `${admin} or ${systemReader} or ${domainReader('project.domain_id')} or project_id:%(target.project.id)s`;
const projectAdmin = `${admin} or ${domainAdmin('project.domain_id')}`;

export const identityPolicy: Readonly<Record<string, string>> = {
  admin_required: 'role:admin',
  service_role: 'role:service',
  service_or_admin: 'rule:admin_required or rule:service_role',
  owner: 'user_id:%(user_id)s',
  token_subject: 'user_id:%(target.token.user_id)s',

  // The caller's own catalog, projects, domains and system roles: any valid token.
  'identity:get_auth_catalog': '@',
  'identity:get_auth_projects': '@',
  'identity:get_auth_domains': '@',
  'identity:get_auth_system': '@',

  'identity:validate_token': 'rule:service_or_admin or rule:token_subject',
  'identity:check_token': 'rule:service_or_admin or rule:token_subject',
  'identity:revoke_token': 'rule:service_or_admin or rule:token_subject',

  'identity:get_domain': `${admin} or ${systemReader} or domain_id:%(target.domain.id)s or project_domain_id:%(target.domain.id)s`,
  'identity:list_domains': `${admin} or ${systemReader}`,
  'identity:create_domain': admin,
  'identity:update_domain': admin,
  'identity:delete_domain': admin,

  'identity:get_project': projectReader,
  'identity:list_projects': `${admin} or ${systemReader} or ${domainReader('domain_id')}`,
  'identity:list_user_projects': `${admin} or ${systemReader} or ${domainReader('user.domain_id')} or user_id:%(target.user.id)s`,
  'identity:create_project': projectAdmin,
  'identity:update_project': projectAdmin,
  'identity:delete_project': projectAdmin,
  'identity:list_project_tags': projectReader,
  'identity:get_project_tag': projectReader,
  'identity:update_project_tags': projectAdmin,
  'identity:create_project_tag': projectAdmin,
  'identity:delete_project_tags': projectAdmin,
  'identity:delete_project_tag': projectAdmin,

  'identity:get_user': `${admin} or ${systemReader} or ${domainReader('user.domain_id')} or user_id:%(target.user.id)s`,
  'identity:list_users': `${admin} or ${systemReader} or ${domainReader('domain_id')}`,
  'identity:create_user': `${admin} or ${domainAdmin('user.domain_id')}`,
  'identity:update_user': `${admin} or ${domainAdmin('user.domain_id')}`,
  'identity:delete_user': `${admin} or ${domainAdmin('user.domain_id')}`,
  'identity:change_password': `${admin} or user_id:%(target.user.id)s`,

  'identity:get_group': `${admin} or ${systemReader} or ${domainReader('group.domain_id')}`,
  'identity:list_groups': `${admin} or ${systemReader} or ${domainReader('domain_id')}`,
  'identity:list_groups_for_user': `${admin} or ${systemReader} or ${domainReader('user.domain_id')} or user_id:%(target.user.id)s`,
  'identity:create_group': `${admin} or ${domainAdmin('group.domain_id')}`,
  'identity:update_group': `${admin} or ${domainAdmin('group.domain_id')}`,
  'identity:delete_group': `${admin} or ${domainAdmin('group.domain_id')}`,
  'identity:list_users_in_group': `${admin} or ${systemReader} or ${domainReader('group.domain_id')}`,
  'identity:add_user_to_group': `${admin} or ${domainAdmin('group.domain_id')}`,
  'identity:remove_user_from_group': `${admin} or ${domainAdmin('group.domain_id')}`,
  'identity:check_user_in_group': `${admin} or ${systemReader} or ${domainReader('group.domain_id')}`,

  'identity:get_role': `${admin} or ${systemReader}`,
  // Keystone's list_roles and list_domain_roles (?domain_id=) admit no domain persona.
  'identity:list_roles': `${admin} or ${systemReader}`,
  'identity:create_role': admin,
  'identity:update_role': admin,
  'identity:delete_role': admin,
  'identity:list_implied_roles': `${admin} or ${systemReader}`,
  'identity:list_role_inference_rules': `${admin} or ${systemReader}`,
  'identity:get_implied_role': `${admin} or ${systemReader}`,
  'identity:create_implied_role': admin,
  'identity:delete_implied_role': admin,

  'identity:list_role_assignments': `${admin} or ${systemReader} or ${domainReader('domain_id')}`,
  'identity:list_grants': `${admin} or ${systemReader} or ${domainReader('domain_id')}`,
  'identity:check_grant': `${admin} or ${systemReader} or ${domainReader('domain_id')}`,
  'identity:create_grant': `${admin} or ${domainAdmin('domain_id')}`,
  'identity:revoke_grant': `${admin} or ${domainAdmin('domain_id')}`,
  'identity:list_system_grants': `${admin} or ${systemReader}`,

  'identity:get_application_credential': `${admin} or ${systemReader} or rule:owner`,
  'identity:list_application_credentials': `${admin} or ${systemReader} or rule:owner`,
  'identity:create_application_credential': 'rule:owner',
  'identity:delete_application_credential': `${admin} or rule:owner`,
  'identity:get_access_rule': `${admin} or ${systemReader} or rule:owner`,
  'identity:list_access_rules': `${admin} or ${systemReader} or rule:owner`,
  'identity:delete_access_rule': `${admin} or rule:owner`,

  'identity:get_region': '@',
  'identity:list_regions': '@',
  'identity:create_region': admin,
  'identity:update_region': admin,
  'identity:delete_region': admin,
  'identity:get_service': `${admin} or ${systemReader}`,
  'identity:list_services': `${admin} or ${systemReader}`,
  'identity:create_service': admin,
  'identity:update_service': admin,
  'identity:delete_service': admin,
  'identity:get_endpoint': `${admin} or ${systemReader}`,
  'identity:list_endpoints': `${admin} or ${systemReader}`,
  'identity:create_endpoint': admin,
  'identity:update_endpoint': admin,
  'identity:delete_endpoint': admin,
};
