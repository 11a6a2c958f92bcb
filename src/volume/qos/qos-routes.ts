import type { RequestContext } from '../../common/http/route-spec.js';
import { noBody, route } from '../../common/http/route-spec.js';
import type { VolumeDeps } from '../volume-deps.js';
import { qosDeleteKeysBody, qosSpecsBody } from './qos-schemas.js';
import {
  allQosSpecs,
  associateQosSpecs,
  createQosSpecs,
  deleteQosSpecKeys,
  deleteQosSpecs,
  disassociateAllQosSpecs,
  disassociateQosSpecs,
  findQosSpecs,
  qosAssociations,
  updateQosSpecs,
} from './qos-service.js';
import type { QosViewContext } from './qos-view.js';
import { qosSpecsShown, qosSpecsView } from './qos-view.js';
import {
  qosAssociationsResponse,
  qosSpecsListResponse,
  qosSpecsResponse,
  qosSpecsUpdateResponse,
} from './qos-response-schemas.js';

const base = '/v3/:project_id/qos-specs';
const one = (v: unknown) => (Array.isArray(v) ? (v.at(-1) as string) : (v as string | undefined));
const projectTarget = (ctx: RequestContext) => ({ project_id: ctx.auth.projectId, user_id: ctx.auth.userId });
const qosId = (ctx: RequestContext) => ctx.params['qos_id']!;
const viewContext = (ctx: RequestContext): QosViewContext => ({
  serviceUrl: ctx.serviceUrl,
  projectId: ctx.params['project_id']!,
});
const trueWords = ['1', 't', 'true', 'on', 'y', 'yes'];

/** A GET that changes associations, as Cinder's API has it (vol_type_id in the query). */
function associationRoute(
  action: string,
  run: (deps: VolumeDeps, id: string, typeId: string | undefined) => Promise<void>,
) {
  return route<VolumeDeps>({
    method: 'GET',
    url: `${base}/:qos_id/${action}`,
    policy: 'volume_extension:qos_specs_manage:update',
    target: projectTarget,
    successStatus: 202,
    response: noBody,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      await run(deps, qosId(ctx), one(ctx.query['vol_type_id']));
      return undefined;
    },
  });
}

export const qosRoutes = [
  route<VolumeDeps>({
    method: 'GET',
    url: base,
    policy: 'volume_extension:qos_specs_manage:get_all',
    target: projectTarget,
    successStatus: 200,
    response: qosSpecsListResponse,
    expectedErrors: [],
    handler: async (_ctx, deps) => ({ qos_specs: (await allQosSpecs(deps)).map(qosSpecsView) }),
  }),
  route<VolumeDeps, typeof qosSpecsBody>({
    method: 'POST',
    url: base,
    policy: 'volume_extension:qos_specs_manage:create',
    target: projectTarget,
    body: qosSpecsBody,
    successStatus: 200,
    response: qosSpecsResponse,
    expectedErrors: [409],
    handler: async (ctx, deps) =>
      qosSpecsShown(viewContext(ctx), await createQosSpecs(deps, ctx.body.qos_specs)),
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${base}/:qos_id`,
    policy: 'volume_extension:qos_specs_manage:get',
    target: projectTarget,
    successStatus: 200,
    response: qosSpecsResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => qosSpecsShown(viewContext(ctx), await findQosSpecs(deps, qosId(ctx))),
  }),
  route<VolumeDeps, typeof qosSpecsBody>({
    method: 'PUT',
    url: `${base}/:qos_id`,
    policy: 'volume_extension:qos_specs_manage:update',
    target: projectTarget,
    body: qosSpecsBody,
    successStatus: 200,
    response: qosSpecsUpdateResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      await updateQosSpecs(deps, qosId(ctx), ctx.body.qos_specs);
      return ctx.body;
    },
  }),
  route<VolumeDeps>({
    method: 'DELETE',
    url: `${base}/:qos_id`,
    policy: 'volume_extension:qos_specs_manage:delete',
    target: projectTarget,
    successStatus: 202,
    response: noBody,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const force = trueWords.includes(String(one(ctx.query['force']) ?? '').toLowerCase());
      await deleteQosSpecs(deps, qosId(ctx), force);
      return undefined;
    },
  }),
  route<VolumeDeps, typeof qosDeleteKeysBody>({
    method: 'PUT',
    url: `${base}/:qos_id/delete_keys`,
    policy: 'volume_extension:qos_specs_manage:delete',
    target: projectTarget,
    body: qosDeleteKeysBody,
    successStatus: 202,
    response: noBody,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      await deleteQosSpecKeys(deps, qosId(ctx), ctx.body.keys);
      return undefined;
    },
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${base}/:qos_id/associations`,
    policy: 'volume_extension:qos_specs_manage:get_all',
    target: projectTarget,
    successStatus: 200,
    response: qosAssociationsResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({ qos_associations: await qosAssociations(deps, qosId(ctx)) }),
  }),
  associationRoute('associate', associateQosSpecs),
  associationRoute('disassociate', disassociateQosSpecs),
  associationRoute('disassociate_all', (deps, id) => disassociateAllQosSpecs(deps, id)),
];
