import { str } from '../../common/http/response-schemas.js';
import {
  listResponse,
  neutronResource,
  ownerAttributes,
  singleResponse,
} from '../network-response-schemas.js';

/** Neutron's RBAC policy bodies (api-ref "RBAC Policies"); policies have no standard attributes. */
export const rbacPolicyResource = neutronResource({
  id: str,
  ...ownerAttributes,
  object_type: str,
  object_id: str,
  action: str,
  target_tenant: str,
});

export const rbacPolicyResponse = singleResponse('rbac_policy', rbacPolicyResource);
export const rbacPolicyListResponse = listResponse('rbac_policies', rbacPolicyResource);
