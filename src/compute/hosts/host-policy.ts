import { adminApi } from '../compute-policy.js';

/** Nova's rules: anyone lists zone names; everything about hosts is for admins. */
export const hostPolicy: Readonly<Record<string, string>> = {
  'os_compute_api:os-availability-zone:list': '@',
  'os_compute_api:os-availability-zone:detail': adminApi,
  'os_compute_api:os-hypervisors:list': adminApi,
  'os_compute_api:os-hypervisors:list-detail': adminApi,
  'os_compute_api:os-hypervisors:statistics': adminApi,
  'os_compute_api:os-hypervisors:show': adminApi,
  'os_compute_api:os-hypervisors:search': adminApi,
  'os_compute_api:os-hypervisors:uptime': adminApi,
  'os_compute_api:os-hypervisors:servers': adminApi,
  'os_compute_api:os-services:list': adminApi,
  'os_compute_api:os-services:update': adminApi,
  'os_compute_api:os-services:delete': adminApi,
};
