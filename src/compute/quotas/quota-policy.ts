import { adminApi, projectReader } from '../compute-policy.js';

/** Nova's quota and limits rules: projects read their own quotas; admins set anyone's. */
export const quotaPolicy: Readonly<Record<string, string>> = {
  'os_compute_api:os-quota-sets:show': `${adminApi} or ${projectReader}`,
  'os_compute_api:os-quota-sets:detail': `${adminApi} or ${projectReader}`,
  'os_compute_api:os-quota-sets:defaults': '@',
  'os_compute_api:os-quota-sets:update': adminApi,
  'os_compute_api:os-quota-sets:delete': adminApi,
  'os_compute_api:limits': '@',
  'os_compute_api:limits:other_project': adminApi,
};
