import Type from 'typebox';
import { respond } from '../../common/http/http-response.js';
import { route } from '../../common/http/route-spec.js';
import type { IdentityDeps } from '../identity-deps.js';
import * as roleStore from '../roles/role-store.js';
import { applicationCredentialCreateBody } from './application-credential-schemas.js';
import * as service from './application-credential-service.js';
import * as store from './application-credential-store.js';
import { applicationCredentialView } from './application-credential-view.js';
import {
  applicationCredentialListResponse,
  applicationCredentialResponse,
} from './application-credential-response-schemas.js';

const base = '/v3/users/:user_id/application_credentials';
const owner = (ctx: { params: Readonly<Record<string, string>> }) => ({ user_id: ctx.params['user_id'] });
const listQuery = Type.Object({ name: Type.Optional(Type.String()) }, { additionalProperties: true });

export const applicationCredentialRoutes = [
  route<IdentityDeps, typeof applicationCredentialCreateBody>({
    method: 'POST',
    url: base,
    policy: 'identity:create_application_credential',
    target: owner,
    body: applicationCredentialCreateBody,
    successStatus: 201,
    response: applicationCredentialResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const { credential, secret, roles } = await service.createApplicationCredential(
        deps,
        ctx.auth,
        ctx.params['user_id']!,
        ctx.body.application_credential,
      );
      return respond(
        { application_credential: applicationCredentialView(credential, roles, ctx.serviceUrl, secret) },
        { status: 201 },
      );
    },
  }),
  route<IdentityDeps, undefined, typeof listQuery>({
    method: 'GET',
    url: base,
    policy: 'identity:list_application_credentials',
    target: owner,
    query: listQuery,
    successStatus: 200,
    response: applicationCredentialListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const creds = await store.listApplicationCredentials(
        deps.store.db,
        ctx.params['user_id']!,
        ctx.query.name,
      );
      const roles = await roleStore.listRoles(deps.store.db, {});
      return {
        application_credentials: creds.map((c) => applicationCredentialView(c, roles, ctx.serviceUrl)),
        links: { self: ctx.url, previous: null, next: null },
      };
    },
  }),
  route<IdentityDeps>({
    method: 'GET',
    url: `${base}/:application_credential_id`,
    policy: 'identity:get_application_credential',
    target: owner,
    successStatus: 200,
    response: applicationCredentialResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const c = await service.findApplicationCredential(
        deps,
        ctx.params['user_id']!,
        ctx.params['application_credential_id']!,
      );
      const roles = await roleStore.listRoles(deps.store.db, { ids: [...c.roleIds] });
      return { application_credential: applicationCredentialView(c, roles, ctx.serviceUrl) };
    },
  }),
  route<IdentityDeps>({
    method: 'DELETE',
    url: `${base}/:application_credential_id`,
    policy: 'identity:delete_application_credential',
    target: owner,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      service.deleteApplicationCredential(
        deps,
        ctx.auth,
        ctx.params['user_id']!,
        ctx.params['application_credential_id']!,
      ),
  }),
];
