import Type from 'typebox';
import { bool, int, nullable, nullableStr, str, strict } from '../../common/http/response-schemas.js';
import {
  ownerFields,
  pageLinks,
  selectable,
  standardAttributeFields,
  tagFields,
} from '../standard-attribute-schemas.js';

/**
 * Neutron's security group bodies (api-ref "Security groups", "Security group rules") with the
 * extensions Strata advertises: stateful-security-group and security-groups-normalized-cidr.
 * Not advertised, so never sent: `shared` (security-groups-shared-filtering),
 * `remote_address_group_id` (security-groups-remote-address-group) and `belongs_to_default_sg`.
 */
export const ruleResource = selectable(
  strict({
    id: str,
    ...ownerFields,
    security_group_id: str,
    ethertype: str,
    direction: str,
    protocol: nullableStr,
    port_range_min: nullable(int),
    port_range_max: nullable(int),
    remote_ip_prefix: nullableStr,
    normalized_cidr: nullableStr,
    remote_group_id: nullableStr,
    ...standardAttributeFields,
  }),
);

export const groupResource = selectable(
  strict({
    id: str,
    name: str,
    stateful: bool,
    ...ownerFields,
    security_group_rules: Type.Array(ruleResource.full),
    ...standardAttributeFields,
    ...tagFields,
  }),
);

export const securityGroupResponse = strict({ security_group: groupResource.selected });
export const securityGroupListResponse = strict({
  security_groups: Type.Array(groupResource.selected),
  security_groups_links: pageLinks,
});

export const securityGroupRuleResponse = strict({ security_group_rule: ruleResource.selected });
export const securityGroupRuleListResponse = strict({
  security_group_rules: Type.Array(ruleResource.selected),
  security_group_rules_links: pageLinks,
});
