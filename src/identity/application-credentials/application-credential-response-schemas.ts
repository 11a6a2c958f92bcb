import Type from 'typebox';
import { bool, nullableStr, str, strict } from '../../common/http/response-schemas.js';
import { collectionLinks, selfLink } from '../identity-response-schemas.js';

/** Keystone's application credentials and access rules (api-ref "Application Credentials"). */

const accessRuleProps = { id: str, service: str, method: str, path: str };

const credential = strict({
  id: str,
  name: str,
  description: nullableStr,
  user_id: str,
  project_id: str,
  roles: Type.Array(strict({ id: str, name: str, domain_id: nullableStr })),
  expires_at: nullableStr,
  unrestricted: bool,
  access_rules: Type.Array(strict(accessRuleProps)),
  // Shown once, when the credential is created.
  secret: Type.Optional(str),
  links: selfLink,
});

export const applicationCredentialResponse = strict({ application_credential: credential });
export const applicationCredentialListResponse = strict({
  application_credentials: Type.Array(credential),
  links: collectionLinks,
});

const accessRule = strict({ ...accessRuleProps, links: selfLink });
export const accessRuleResponse = strict({ access_rule: accessRule });
export const accessRuleListResponse = strict({
  access_rules: Type.Array(accessRule),
  links: collectionLinks,
});
