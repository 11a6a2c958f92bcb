/**
 * Cinder's defaults (cinder/policies/base.py, volumes.py) in oslo.policy syntax, under
 * Cinder's rule names so an operator's policy.yaml applies unchanged.
 */
const reader = 'role:admin or (role:reader and project_id:%(project_id)s)';
const member = 'role:admin or (role:member and project_id:%(project_id)s)';

export const volumePolicy: Readonly<Record<string, string>> = {
  'volume:create': member,
  'volume:get': reader,
  'volume:get_all': reader,
  'volume:update': member,
  'volume:delete': member,
  'volume_extension:volume_tenant_attribute': reader,
  'volume_extension:volume_host_attribute': 'role:admin',
  'volume_extension:quotas:show': reader,
  'volume_extension:quotas:update': 'role:admin',
  'volume_extension:quotas:delete': 'role:admin',
  'limits_extension:used_limits': reader,
};
