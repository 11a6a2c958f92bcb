import Type from 'typebox';
import { str, strict } from '../../common/http/response-schemas.js';
import { ownerFields, pageLinks, selectable } from '../standard-attribute-schemas.js';

/** Neutron's RBAC policy bodies (api-ref "RBAC Policies"); policies have no standard attributes. */
export const rbacPolicyResource = selectable(
  strict({
    id: str,
    ...ownerFields,
    object_type: str,
    object_id: str,
    action: str,
    target_tenant: str,
  }),
);

export const rbacPolicyResponse = strict({ rbac_policy: rbacPolicyResource.selected });
export const rbacPolicyListResponse = strict({
  rbac_policies: Type.Array(rbacPolicyResource.selected),
  rbac_policies_links: pageLinks,
});
