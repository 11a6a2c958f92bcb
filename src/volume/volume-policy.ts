/**
 * Cinder's defaults (cinder/policies/base.py, volumes.py) in oslo.policy syntax, under
 * Cinder's rule names so an operator's policy.yaml applies unchanged.
 */
const reader = 'role:admin or (role:reader and project_id:%(project_id)s)';
const admin = 'role:admin';
const member = 'role:admin or (role:member and project_id:%(project_id)s)';

export const volumePolicy: Readonly<Record<string, string>> = {
  'volume:create': member,
  'volume:get': reader,
  'volume:get_all': reader,
  'volume:update': member,
  'volume:delete': member,
  'volume:extend': member,
  'volume_extension:volume_actions:upload_image': member,
  'volume_extension:volume_actions:upload_public': admin,
  'volume_extension:volume_tenant_attribute': reader,
  'volume_extension:volume_host_attribute': 'role:admin',
  'volume_extension:quotas:show': reader,
  'volume_extension:quotas:update': 'role:admin',
  'volume_extension:quotas:delete': 'role:admin',
  'limits_extension:used_limits': reader,
  'volume_extension:type_get_all': reader,
  'volume_extension:type_get': reader,
  'volume_extension:type_create': admin,
  'volume_extension:type_update': admin,
  'volume_extension:type_delete': admin,
  'volume_extension:access_types_extra_specs': reader,
  'volume_extension:access_types_qos_specs_id': admin,
  'volume_extension:types_extra_specs:index': reader,
  'volume_extension:types_extra_specs:show': reader,
  'volume_extension:types_extra_specs:read_sensitive': admin,
  'volume_extension:types_extra_specs:create': admin,
  'volume_extension:types_extra_specs:update': admin,
  'volume_extension:types_extra_specs:delete': admin,
  'volume_extension:volume_type_access': member,
  'volume_extension:volume_type_access:addProjectAccess': admin,
  'volume_extension:volume_type_access:removeProjectAccess': admin,
  'volume_extension:volume_type_access:get_all_for_type': admin,
  'volume:get_snapshot': reader,
  'volume:get_all_snapshots': reader,
  'volume:create_snapshot': member,
  'volume:update_snapshot': member,
  'volume:delete_snapshot': member,
  'volume_extension:extended_snapshot_attributes': reader,
  'volume:get_snapshot_metadata': reader,
  'volume:update_snapshot_metadata': member,
  'volume:delete_snapshot_metadata': member,
};
