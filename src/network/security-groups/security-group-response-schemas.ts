import Type from 'typebox';
import { bool, int, nullable, nullableStr, str } from '../../common/http/response-schemas.js';
import {
  createResponse,
  listResponse,
  neutronResource,
  ownerAttributes,
  advertised,
  singleResponse,
  standardAttributes,
} from '../network-response-schemas.js';

/**
 * Neutron's security group bodies (api-ref "Security groups", "Security group rules") with the
 * extensions Strata advertises: stateful-security-group and security-groups-normalized-cidr.
 * `remote_address_group_id` is shown while security-groups-remote-address-group is advertised,
 * `shared` while security-groups-shared-filtering is. Not advertised, so never sent: `belongs_to_default_sg`.
 */
// Rules carry the standard attributes but are not taggable.
const { tags: _untagged, ...ruleStandardAttributes } = standardAttributes;

export const ruleResource = neutronResource({
  id: str,
  ...ownerAttributes,
  security_group_id: str,
  ethertype: str,
  direction: str,
  protocol: nullableStr,
  port_range_min: nullable(int),
  port_range_max: nullable(int),
  remote_ip_prefix: nullableStr,
  normalized_cidr: nullableStr,
  remote_group_id: nullableStr,
  ...(advertised('security-groups-remote-address-group') && { remote_address_group_id: nullableStr }),
  ...ruleStandardAttributes,
});

export const groupResource = neutronResource({
  id: str,
  name: str,
  stateful: bool,
  ...(advertised('security-groups-shared-filtering') && { shared: bool }),
  ...ownerAttributes,
  security_group_rules: Type.Array(ruleResource.full),
  ...standardAttributes,
});

export const securityGroupResponse = singleResponse('security_group', groupResource);
export const securityGroupListResponse = listResponse('security_groups', groupResource);
export const securityGroupCreateResponse = createResponse('security_group', 'security_groups', groupResource);
export const securityGroupRuleResponse = singleResponse('security_group_rule', ruleResource);
export const securityGroupRuleCreateResponse = createResponse(
  'security_group_rule',
  'security_group_rules',
  ruleResource,
);
export const securityGroupRuleListResponse = listResponse('security_group_rules', ruleResource);
