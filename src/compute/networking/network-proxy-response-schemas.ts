import Type from 'typebox';
import { int, nullable, str, strict } from '../../common/http/response-schemas.js';

/**
 * Nova's security group proxy bodies (api-ref "Security groups (DEPRECATED)") and its
 * port interfaces (api-ref "Port interfaces"; `tag` arrives at 2.70, above Strata's ceiling).
 */

const securityGroupRule = strict({
  id: str,
  parent_group_id: str,
  ip_protocol: nullable(str),
  from_port: nullable(int),
  to_port: nullable(int),
  // The remote group ({name, tenant_id}) or {} for a CIDR rule.
  group: strict({ name: Type.Optional(str), tenant_id: Type.Optional(str) }),
  // {cidr} or {} for a remote-group rule.
  ip_range: strict({ cidr: Type.Optional(str) }),
});

const securityGroup = strict({
  id: str,
  name: str,
  description: str,
  tenant_id: str,
  rules: Type.Array(securityGroupRule),
});

export const securityGroupListResponse = strict({ security_groups: Type.Array(securityGroup) });
export const securityGroupShowResponse = strict({ security_group: securityGroup });

const interfaceAttachment = strict({
  port_state: str,
  fixed_ips: Type.Array(strict({ subnet_id: str, ip_address: str })),
  port_id: str,
  net_id: str,
  mac_addr: str,
});

export const interfaceListResponse = strict({ interfaceAttachments: Type.Array(interfaceAttachment) });
export const interfaceShowResponse = strict({ interfaceAttachment });

/** Nova's floating IP pools (api-ref "Floating IP pools (DEPRECATED)"): one per external network. */
export const floatingIpPoolListResponse = strict({ floating_ip_pools: Type.Array(strict({ name: str })) });
