/**
 * Nova's default policy personas in oslo syntax. As with Keystone, the admin role on any
 * scope is a cloud administrator (enforce_scope off); project members act on their
 * project's resources and readers read them.
 */
export const adminApi = 'rule:context_is_admin';
export const projectMember = '(role:member and project_id:%(project_id)s)';
export const projectReader = '(role:reader and project_id:%(project_id)s)';

export const computeBasePolicy: Readonly<Record<string, string>> = {
  context_is_admin: 'role:admin',
  admin_api: adminApi,
  project_member_api: 'role:member and project_id:%(project_id)s',
  project_reader_api: 'role:reader and project_id:%(project_id)s',
  project_member_or_admin: `${adminApi} or ${projectMember}`,
  project_reader_or_admin: `${adminApi} or ${projectReader}`,
  // Nova's default: host-level detail of a workload is for administrators only.
  'os_compute_api:os-server-diagnostics': adminApi,
};
