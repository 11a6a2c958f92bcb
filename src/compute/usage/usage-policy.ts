import { adminApi, projectReader } from '../compute-policy.js';

/** Nova's rules: a project's readers see its usage; only admins list every project's. */
export const usagePolicy: Readonly<Record<string, string>> = {
  'os_compute_api:os-simple-tenant-usage:show': `${adminApi} or ${projectReader}`,
  'os_compute_api:os-simple-tenant-usage:list': adminApi,
};
