import Type from 'typebox';
import { bool, nullableStr, str, strict } from '../../common/http/response-schemas.js';
import { catalogEntry } from '../catalog/catalog-response-schemas.js';
import { selfLink } from '../identity-response-schemas.js';

/** Keystone's token body (api-ref "Password authentication with scoped authorization"). */

const domainRef = strict({ id: str, name: str });
const accessRule = strict({ id: str, service: str, method: str, path: str });

const token = strict({
  methods: Type.Array(str),
  user: strict({ domain: domainRef, id: str, name: str, password_expires_at: nullableStr }),
  audit_ids: Type.Array(str),
  expires_at: str,
  issued_at: str,
  // One scope at most; an unscoped token has none of these, nor roles nor catalog.
  project: Type.Optional(strict({ domain: domainRef, id: str, name: str })),
  is_domain: Type.Optional(bool),
  domain: Type.Optional(domainRef),
  system: Type.Optional(strict({ all: bool })),
  roles: Type.Optional(Type.Array(strict({ id: str, name: str }))),
  application_credential: Type.Optional(
    strict({ id: str, name: str, restricted: bool, access_rules: Type.Optional(Type.Array(accessRule)) }),
  ),
  catalog: Type.Optional(Type.Array(catalogEntry)),
});

export const tokenResponse = strict({ token });

export const authSystemResponse = strict({
  system: Type.Array(strict({ all: bool })),
  links: selfLink,
});
