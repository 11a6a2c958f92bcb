import { NotFoundError } from '../../common/errors.js';
import { route } from '../../common/http/route-spec.js';
import type { NetworkDeps } from '../network-deps.js';
import { taggedResources } from '../tags/tag-resources.js';
import { extensionListResponse, extensionResponse } from './discovery-response-schemas.js';

interface Extension {
  readonly alias: string;
  readonly name: string;
  readonly description: string;
  readonly updated: string;
}

/**
 * The extensions Strata implements, worded as Neutron's definitions word them. Clients
 * switch features on from this list, so nothing is here that the API does not do.
 */
export const extensions: ReadonlyArray<Extension> = [
  {
    alias: 'availability_zone',
    name: 'Availability Zone',
    description: 'The availability zone extension.',
    updated: '2015-01-01T10:00:00-00:00',
  },
  {
    alias: 'router',
    name: 'Neutron L3 Router',
    description:
      'Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.',
    updated: '2012-07-20T10:00:00-00:00',
  },
  {
    alias: 'ext-gw-mode',
    name: 'Neutron L3 Configurable external gateway mode',
    description:
      'Extension of the router abstraction for specifying whether SNAT should occur on the external gateway',
    updated: '2013-03-28T10:00:00-00:00',
  },
  {
    alias: 'extraroute',
    name: 'Neutron Extra Route',
    description: 'Extra routes configuration for L3 router',
    updated: '2013-02-01T10:00:00-00:00',
  },
  {
    alias: 'fip-port-details',
    name: 'Floating IP Port Details Extension',
    description: 'Add port_details attribute to Floating IP resource',
    updated: '2018-04-09T10:00:00-00:00',
  },
  {
    alias: 'external-net',
    name: 'Neutron external network',
    description: 'Adds external network attribute to network resource.',
    updated: '2013-01-14T10:00:00-00:00',
  },
  {
    alias: 'provider',
    name: 'Provider Network',
    description: 'Expose mapping of virtual networks to physical networks',
    updated: '2012-09-07T10:00:00-00:00',
  },
  {
    alias: 'net-mtu',
    name: 'Network MTU',
    description: 'Provides MTU attribute for a network resource.',
    updated: '2015-03-25T10:00:00-00:00',
  },
  {
    alias: 'port-security',
    name: 'Port Security',
    description: 'Provides port security',
    updated: '2012-07-23T10:00:00-00:00',
  },
  {
    alias: 'binding',
    name: 'Port Binding',
    description: 'Expose port bindings of a virtual port to external application',
    updated: '2014-02-03T10:00:00-00:00',
  },
  {
    alias: 'allowed-address-pairs',
    name: 'Allowed Address Pairs',
    description: 'Provides allowed address pairs',
    updated: '2013-07-23T10:00:00-00:00',
  },
  {
    alias: 'extra_dhcp_opt',
    name: 'Neutron Extra DHCP options',
    description:
      'Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)',
    updated: '2013-03-17T12:00:00-00:00',
  },
  {
    alias: 'subnet-service-types',
    name: 'Subnet service types',
    description: 'Provides ability to set the subnet service_types field',
    updated: '2016-03-15T18:00:00-00:00',
  },
  {
    alias: 'subnet_allocation',
    name: 'Subnet Allocation',
    description: 'Enables allocation of subnets from a subnet pool',
    updated: '2015-03-30T10:00:00-00:00',
  },
  {
    alias: 'subnetpool-prefix-ops',
    name: 'Subnet Pool Prefix Operations',
    description: 'Provides support for adjusting the prefix list of subnet pools',
    updated: '2019-02-08T10:00:00-00:00',
  },
  {
    alias: 'default-subnetpools',
    name: 'Default Subnetpools',
    description: 'Provides ability to mark and use a subnetpool as the default.',
    updated: '2016-02-18T18:00:00-00:00',
  },
  {
    alias: 'address-scope',
    name: 'Address scope',
    description: 'Address scopes extension.',
    updated: '2015-07-26T10:00:00-00:00',
  },
  {
    alias: 'security-group',
    name: 'security-group',
    description: 'The security groups extension.',
    updated: '2012-10-05T10:00:00-00:00',
  },
  {
    alias: 'stateful-security-group',
    name: 'Stateful security group',
    description: 'Indicates if the security group is stateful or not',
    updated: '2019-11-26T09:00:00-00:00',
  },
  {
    alias: 'security-groups-normalized-cidr',
    name: 'Normalized CIDR field for security group rules',
    description: 'Add new field with normalized remote_ip_prefix cidr in SG rule',
    updated: '2020-07-28T10:00:00-00:00',
  },
  {
    alias: 'address-group',
    name: 'Address group',
    description: 'Support address group',
    updated: '2020-07-15T10:00:00-00:00',
  },
  {
    alias: 'security-groups-remote-address-group',
    name: 'Remote address group id field for security group rules',
    description: 'Add new field of remote address group id in SG rules',
    updated: '2020-08-25T10:00:00-00:00',
  },
  {
    alias: 'quotas',
    name: 'Quota management support',
    description: 'Expose functions for quotas management per project',
    updated: '2012-07-29T10:00:00-00:00',
  },
  {
    alias: 'quota_details',
    name: 'Quota details management support',
    description: 'Expose functions for quotas usage statistics per project',
    updated: '2017-02-10T10:00:00-00:00',
  },
  {
    alias: 'standard-attr-tag',
    // Neutron's name lists the member names of the resources that take tags.
    name: `Tag support for resources with standard attribute: ${Object.values(taggedResources).join(', ')}`,
    description: 'Enables to set tag on resources with standard attribute.',
    updated: '2017-01-01T00:00:00-00:00',
  },
  {
    alias: 'revision-if-match',
    name: 'If-Match constraints based on revision_number',
    description: 'Extension indicating that If-Match based on revision_number is supported.',
    updated: '2016-12-11T00:00:00-00:00',
  },
  {
    alias: 'rbac-policies',
    name: 'RBAC Policies',
    description: 'Allows creation and modification of policies that control tenant access to resources.',
    updated: '2015-06-17T12:15:12-00:00',
  },
  // The object types rbac-policies takes besides networks (neutron-lib's shim extensions).
  {
    alias: 'rbac-security-groups',
    name: 'Add security_group type to network RBAC',
    description: 'Add security_group type to network RBAC',
    updated: '2019-02-14T00:00:00-00:00',
  },
  {
    alias: 'security-groups-shared-filtering',
    name: 'Security group filtering on the shared field',
    description: 'Support filtering security groups on the shared field',
    updated: '2021-10-05T09:00:00-00:00',
  },
  {
    alias: 'rbac-address-scope',
    name: 'Add address_scope type to RBAC',
    description: 'Add address_scope type to RBAC',
    updated: '2020-02-12T00:00:00-00:00',
  },
  {
    alias: 'rbac-subnetpool',
    name: 'Add subnetpool type to RBAC',
    description: 'Add subnetpool type to RBAC',
    updated: '2020-02-05T00:00:00-00:00',
  },
  {
    alias: 'rbac-address-group',
    name: 'Add address_group type to RBAC',
    description: 'Add address_group type to network RBAC',
    updated: '2021-01-20T00:00:00-00:00',
  },
  {
    alias: 'network-ip-availability',
    name: 'Network IP Availability',
    description: 'Provides IP availability data for each network and subnet.',
    updated: '2015-09-24T00:00:00-00:00',
  },
  {
    alias: 'auto-allocated-topology',
    name: 'Auto Allocated Topology Services',
    description: 'Auto Allocated Topology Services.',
    updated: '2016-01-01T00:00:00-00:00',
  },
  {
    alias: 'project-id',
    name: 'project_id field enabled',
    description: 'Extension that indicates that project_id field is enabled.',
    updated: '2016-09-09T09:09:09-09:09',
  },
  {
    alias: 'pagination',
    name: 'Pagination support',
    description: 'Extension that indicates that pagination is enabled.',
    updated: '2016-06-12T00:00:00-00:00',
  },
  {
    alias: 'sorting',
    name: 'Sorting support',
    description: 'Extension that indicates that sorting is enabled.',
    updated: '2016-06-12T00:00:00-00:00',
  },
  {
    alias: 'standard-attr-description',
    name: 'standard-attr-description',
    description: 'Extension to add descriptions to standard attributes',
    updated: '2016-02-10T10:00:00-00:00',
  },
  {
    alias: 'standard-attr-revisions',
    name: 'Resource revision numbers',
    description: 'This extension will display the revision number of neutron resources.',
    updated: '2016-04-11T10:00:00-00:00',
  },
  {
    alias: 'standard-attr-timestamp',
    name: 'Resource timestamps',
    description:
      'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.',
    updated: '2016-09-12T10:00:00-00:00',
  },
  {
    alias: 'dns-integration',
    name: 'DNS Integration',
    description: 'Provides integration with DNS.',
    updated: '2015-08-15T18:00:00-00:00',
  },
];

const render = (e: Extension) => ({ ...e, links: [] });

export const extensionRoutes = [
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/extensions',
    policy: 'get_extension',
    successStatus: 200,
    response: extensionListResponse,
    expectedErrors: [],
    handler: async () => ({ extensions: extensions.map(render) }),
  }),
  route<NetworkDeps>({
    method: 'GET',
    url: '/v2.0/extensions/:alias',
    policy: 'get_extension',
    successStatus: 200,
    response: extensionResponse,
    expectedErrors: [404],
    handler: async (ctx) => {
      const e = extensions.find((x) => x.alias === ctx.params['alias']);
      if (e === undefined)
        throw new NotFoundError(
          'network.h_t_t_p.not_found',
          `Extension with alias ${ctx.params['alias']} does not exist`,
        );
      return { extension: render(e) };
    },
  }),
];
