/**
 * The collections that take tags (standard-attr-tag), with their member names: every
 * resource Strata serves that Neutron's tag_support models cover (Neutron also tags QoS
 * policies, trunks and network segment ranges, which Strata does not serve). Kept apart,
 * with no imports, so the extension list can name them without importing the services.
 */
export const taggedResources = {
  ports: 'port',
  subnets: 'subnet',
  subnetpools: 'subnetpool',
  networks: 'network',
  security_groups: 'security_group',
  routers: 'router',
  floatingips: 'floatingip',
} as const;
