import { adminApi, projectMember, projectReader } from '../compute-policy.js';

/** Nova's server group rules: a project's members manage its groups, readers read them. */
export const serverGroupPolicy: Readonly<Record<string, string>> = {
  'os_compute_api:os-server-groups:create': `${adminApi} or ${projectMember}`,
  'os_compute_api:os-server-groups:delete': `${adminApi} or ${projectMember}`,
  'os_compute_api:os-server-groups:index': `${adminApi} or ${projectReader}`,
  'os_compute_api:os-server-groups:index:all_projects': adminApi,
  'os_compute_api:os-server-groups:show': `${adminApi} or ${projectReader}`,
};
