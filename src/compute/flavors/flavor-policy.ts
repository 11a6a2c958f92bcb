import { adminApi, projectReader } from '../compute-policy.js';

/**
 * Nova's flavor rules. Listing and showing flavors has no rule in Nova: every token may,
 * and visibility (public, or shared with the caller's project) does the filtering.
 */
export const flavorPolicy: Readonly<Record<string, string>> = {
  'os_compute_api:os-flavor-manage:create': adminApi,
  'os_compute_api:os-flavor-manage:delete': adminApi,
  'os_compute_api:os-flavor-manage:update': adminApi,
  'os_compute_api:os-flavor-extra-specs:index': `${adminApi} or ${projectReader}`,
  'os_compute_api:os-flavor-extra-specs:show': `${adminApi} or ${projectReader}`,
  'os_compute_api:os-flavor-extra-specs:create': adminApi,
  'os_compute_api:os-flavor-extra-specs:update': adminApi,
  'os_compute_api:os-flavor-extra-specs:delete': adminApi,
  'os_compute_api:os-flavor-access': adminApi,
  'os_compute_api:os-flavor-access:add_tenant_access': adminApi,
  'os_compute_api:os-flavor-access:remove_tenant_access': adminApi,
};
