/**
 * Default network policy: Neutron's secure-RBAC defaults under Neutron's rule names (the
 * `<action>:<attribute>` rules guard single attributes), so an operator's Neutron
 * policy.yaml lines apply unchanged. Targets carry `project_id` (the resource's owner)
 * and `network:project_id` (the owner of the network a subnet or port is on).
 *
 * Visibility comes first, as in Neutron: a resource the caller may not see answers 404
 * before any rule runs (shared and external networks, and their subnets, are seen by all).
 */
const admin = 'role:admin';
const member = 'role:member and project_id:%(project_id)s';
const reader = 'role:reader and project_id:%(project_id)s';
const netOwnerMember = 'role:member and project_id:%(network:project_id)s';
const netOwnerReader = 'role:reader and project_id:%(network:project_id)s';
const adminOrMember = `${admin} or (${member})`;
const adminOrReader = `${admin} or (${reader})`;
const adminOrNetOwnerMember = `${admin} or (${netOwnerMember})`;

const providerAttrs = ['provider:network_type', 'provider:physical_network', 'provider:segmentation_id'];
const bindingAttrs = ['binding:vif_type', 'binding:vif_details', 'binding:host_id', 'binding:profile'];

const each = (prefix: string, attrs: ReadonlyArray<string>, rule: string) =>
  Object.fromEntries(attrs.map((a) => [`${prefix}:${a}`, rule]));

export const networkPolicy: Readonly<Record<string, string>> = {
  context_is_admin: admin,
  admin_only: admin,
  shared: 'field:networks:shared=True',
  external: 'field:networks:router:external=True',

  create_network: adminOrMember,
  'create_network:shared': admin,
  'create_network:router:external': admin,
  'create_network:port_security_enabled': adminOrMember,
  ...each('create_network', providerAttrs, admin),
  get_network: `${adminOrReader} or rule:shared or rule:external`,
  ...each('get_network', providerAttrs, admin),
  update_network: adminOrMember,
  'update_network:shared': admin,
  'update_network:router:external': admin,
  'update_network:port_security_enabled': adminOrMember,
  ...each('update_network', providerAttrs, admin),
  delete_network: adminOrMember,

  create_subnet: `${admin} or (${member} and ${netOwnerMember})`,
  get_subnet: `${adminOrReader} or rule:shared`,
  update_subnet: adminOrNetOwnerMember,
  delete_subnet: adminOrNetOwnerMember,

  create_port: adminOrMember,
  'create_port:device_owner': `not rule:network_device or ${adminOrNetOwnerMember}`,
  'create_port:mac_address': adminOrNetOwnerMember,
  'create_port:fixed_ips:ip_address': adminOrNetOwnerMember,
  'create_port:fixed_ips:subnet_id': `${adminOrNetOwnerMember} or rule:shared`,
  'create_port:port_security_enabled': adminOrNetOwnerMember,
  'create_port:binding:host_id': admin,
  'create_port:binding:profile': admin,
  'create_port:binding:vnic_type': adminOrMember,
  'create_port:allowed_address_pairs': adminOrNetOwnerMember,
  network_device: 'field:port:device_owner=~^network:',
  get_port: `${adminOrReader} or (${netOwnerReader})`,
  ...each('get_port', bindingAttrs, admin),
  update_port: `${adminOrMember} or (${netOwnerMember})`,
  'update_port:device_owner': `not rule:network_device or ${adminOrNetOwnerMember}`,
  'update_port:mac_address': admin,
  'update_port:fixed_ips:ip_address': adminOrNetOwnerMember,
  'update_port:fixed_ips:subnet_id': `${adminOrNetOwnerMember} or rule:shared`,
  'update_port:port_security_enabled': adminOrNetOwnerMember,
  'update_port:binding:host_id': admin,
  'update_port:binding:profile': admin,
  'update_port:binding:vnic_type': adminOrMember,
  'update_port:allowed_address_pairs': adminOrNetOwnerMember,
  delete_port: `${adminOrMember} or (${netOwnerMember})`,

  create_security_group: adminOrMember,
  shared_security_group: 'field:security_groups:shared=True',
  get_security_group: `${adminOrReader} or rule:shared_security_group`,
  update_security_group: adminOrMember,
  delete_security_group: adminOrMember,
  // A group's owner also reads and removes rules others added to it (Neutron's sg_owner).
  sg_owner: 'role:member and project_id:%(security_group:project_id)s',
  sg_reader: 'role:reader and project_id:%(security_group:project_id)s',
  create_security_group_rule: adminOrMember,
  get_security_group_rule: `${adminOrReader} or rule:sg_reader`,
  delete_security_group_rule: `${adminOrMember} or rule:sg_owner`,
  create_router: adminOrMember,
  'create_router:external_gateway_info': adminOrMember,
  'create_router:external_gateway_info:network_id': adminOrMember,
  'create_router:external_gateway_info:enable_snat': admin,
  'create_router:external_gateway_info:external_fixed_ips': admin,
  get_router: adminOrReader,
  update_router: adminOrMember,
  'update_router:external_gateway_info': adminOrMember,
  'update_router:external_gateway_info:network_id': adminOrMember,
  'update_router:external_gateway_info:enable_snat': admin,
  'update_router:external_gateway_info:external_fixed_ips': admin,
  delete_router: adminOrMember,
  add_router_interface: adminOrMember,
  remove_router_interface: adminOrMember,

  create_floatingip: adminOrMember,
  'create_floatingip:floating_ip_address': admin,
  get_floatingip: adminOrReader,
  update_floatingip: adminOrMember,
  delete_floatingip: adminOrMember,

  shared_address_scopes: 'field:address_scopes:shared=True',
  create_address_scope: adminOrMember,
  'create_address_scope:shared': admin,
  get_address_scope: `${adminOrReader} or rule:shared_address_scopes`,
  update_address_scope: adminOrMember,
  'update_address_scope:shared': admin,
  delete_address_scope: adminOrMember,

  // Address groups: owner or admin (RBAC sharing is not offered, so the shared rule never holds).
  shared_address_groups: 'field:address_groups:shared=True',
  create_address_group: adminOrMember,
  get_address_group: `${adminOrReader} or rule:shared_address_groups`,
  update_address_group: adminOrMember,
  delete_address_group: adminOrMember,
  add_addresses: adminOrMember,
  remove_addresses: adminOrMember,

  shared_subnetpools: 'field:subnetpools:shared=True',
  create_subnetpool: adminOrMember,
  'create_subnetpool:shared': admin,
  'create_subnetpool:is_default': admin,
  get_subnetpool: `${adminOrReader} or rule:shared_subnetpools`,
  update_subnetpool: adminOrMember,
  'update_subnetpool:is_default': admin,
  delete_subnetpool: adminOrMember,
  add_prefixes: adminOrMember,
  remove_prefixes: adminOrMember,

  // Neutron's secure-RBAC default lists zones to admins only.
  get_availability_zone: admin,
  get_network_ip_availability: admin,

  get_extension: '',

  // RBAC policies: a wildcard target is the admin's; a project shares what it owns.
  restrict_wildcard: `(not field:rbac_policy:target_tenant=* and not field:rbac_policy:target_project=*) or ${admin}`,
  create_rbac_policy: adminOrMember,
  'create_rbac_policy:target_tenant': `${admin} or (not field:rbac_policy:target_tenant=* and not field:rbac_policy:target_project=*)`,
  update_rbac_policy: adminOrMember,
  'update_rbac_policy:target_tenant': `${admin} or (not field:rbac_policy:target_tenant=* and not field:rbac_policy:target_project=*)`,
  get_rbac_policy: adminOrReader,
  delete_rbac_policy: adminOrMember,

  // auto-allocated-topology: a project's own topology.
  get_auto_allocated_topology: adminOrMember,
  delete_auto_allocated_topology: adminOrMember,
  'create_network:is_default': admin,
  'update_network:is_default': admin,

  // Tags (standard-attr-tag) follow the tagged resource's owner, as Neutron's newer defaults do.
  ...Object.fromEntries(
    ['networks', 'subnets', 'ports', 'security_groups', 'routers', 'floatingips', 'subnetpools'].flatMap(
      (kind) => [
        [`get_${kind}_tags`, `${adminOrReader} or (${netOwnerReader}) or rule:shared`],
        [`create_${kind}_tags`, adminOrMember],
        [`update_${kind}_tags`, adminOrMember],
        [`delete_${kind}_tags`, adminOrMember],
      ],
    ),
  ),

  // Neutron reads a project's own quota without a rule; the rule covers the rest.
  get_quota: `${admin} or project_id:%(project_id)s`,
  update_quota: admin,
  delete_quota: admin,
};
