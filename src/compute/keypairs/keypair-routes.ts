import type { RequestContext } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { keypairCreateBody } from './keypair-schemas.js';
import * as service from './keypair-service.js';
import { keypairCreateView, keypairListView, keypairView } from './keypair-view.js';

// At 2.1 every call acts on the caller's own key pairs (user_id arrives with 2.10).
const ownKeypairs = (ctx: RequestContext) => ({ user_id: ctx.auth.userId });

/** Nova 2.1 answers a create with 200 and a delete with 202. */
export const keypairRoutes = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/os-keypairs',
    policy: 'os_compute_api:os-keypairs:index',
    target: ownKeypairs,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => keypairListView(await service.listKeypairs(deps, ctx.auth.userId)),
  }),
  route<ComputeDeps, typeof keypairCreateBody>({
    method: 'POST',
    url: '/v2.1/os-keypairs',
    policy: 'os_compute_api:os-keypairs:create',
    target: ownKeypairs,
    body: keypairCreateBody,
    successStatus: 200,
    expectedErrors: [409],
    handler: async (ctx, deps) => {
      const { name, public_key: publicKey } = ctx.body.keypair;
      const owner = { userId: ctx.auth.userId, projectId: ctx.auth.projectId };
      const created = await service.createKeypair(deps, owner, name, publicKey);
      return keypairCreateView(created.keypair, created.privateKey);
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/os-keypairs/:keypair_name',
    policy: 'os_compute_api:os-keypairs:show',
    target: ownKeypairs,
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      keypairView(await service.findKeypair(deps, ctx.auth.userId, ctx.params['keypair_name']!)),
  }),
  route<ComputeDeps>({
    method: 'DELETE',
    url: '/v2.1/os-keypairs/:keypair_name',
    policy: 'os_compute_api:os-keypairs:delete',
    target: ownKeypairs,
    successStatus: 202,
    expectedErrors: [404],
    handler: (ctx, deps) => service.deleteKeypair(deps, ctx.auth.userId, ctx.params['keypair_name']!),
  }),
];
