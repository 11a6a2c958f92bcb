import { InputError } from '../../common/errors.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { noBody, route } from '../../common/http/route-spec.js';
import type { VolumeDeps } from '../volume-deps.js';
import { volumeCallerOf } from '../volume-caller.js';
import {
  addTypeAccess,
  changeExtraSpecs,
  createType,
  defaultVolumeType,
  deleteType,
  findVolumeType,
  listTypes,
  parseIsPublicFilter,
  removeTypeAccess,
  specNotFound,
  typeAccessList,
  updateType,
} from './volume-type-service.js';
import type { VolumeTypeRecord } from './volume-type-store.js';
import type { VolumeTypeViewContext } from './volume-type-view.js';
import { visibleSpecs, volumeTypeView } from './volume-type-view.js';
import {
  extraSpecUpdateBody,
  extraSpecsCreateBody,
  parseCinderBoolean,
  volumeTypeActionBody,
  volumeTypeCreateBody,
  volumeTypeUpdateBody,
} from './volume-type-schemas.js';
import {
  extraSpecResponse,
  extraSpecsResponse,
  volumeTypeAccessResponse,
  volumeTypeCreateResponse,
  volumeTypeListResponse,
  volumeTypeResponse,
  volumeTypeUpdateResponse,
} from './volume-type-response-schemas.js';

const base = '/v3/:project_id/types';
const projectTarget = (ctx: RequestContext) => ({ project_id: ctx.auth.projectId, user_id: ctx.auth.userId });

function viewContext(ctx: RequestContext): VolumeTypeViewContext {
  const t = projectTarget(ctx);
  return {
    extraSpecs: ctx.can('volume_extension:access_types_extra_specs', t),
    sensitiveSpecs: ctx.can('volume_extension:types_extra_specs:read_sensitive', t),
    qosSpecsId: ctx.can('volume_extension:access_types_qos_specs_id', t),
    typeAccess: ctx.can('volume_extension:volume_type_access', t),
  };
}

/**
 * Show answers with all the caller may see. Create and update leave out qos_specs_id (the
 * api-ref's and tempest's bodies), and update the type-access extension's is_public too.
 */
const shown = (ctx: RequestContext, t: VolumeTypeRecord, answer: 'show' | 'create' | 'update' = 'show') => {
  const c = viewContext(ctx);
  const typeAccess = c.typeAccess && answer !== 'update';
  return {
    volume_type: volumeTypeView({ ...c, typeAccess, qosSpecsId: c.qosSpecsId && answer === 'show' }, t),
  };
};
const typeId = (ctx: RequestContext) => ctx.params['type_id']!;
const one = (v: unknown) => (Array.isArray(v) ? (v.at(-1) as string) : (v as string | undefined));

const typeRoutes = [
  route<VolumeDeps>({
    method: 'GET',
    url: base,
    policy: 'volume_extension:type_get_all',
    target: projectTarget,
    successStatus: 200,
    response: volumeTypeListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const types = await listTypes(
        deps,
        volumeCallerOf(ctx),
        parseIsPublicFilter(one(ctx.query['is_public'])),
      );
      const c = viewContext(ctx);
      return { volume_types: types.map((t) => volumeTypeView(c, t)) };
    },
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${base}/:type_id`,
    policy: 'volume_extension:type_get',
    target: projectTarget,
    successStatus: 200,
    response: volumeTypeResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) =>
      shown(
        ctx,
        typeId(ctx) === 'default'
          ? await defaultVolumeType(deps)
          : await findVolumeType(deps, volumeCallerOf(ctx), typeId(ctx)),
      ),
  }),
  route<VolumeDeps, typeof volumeTypeCreateBody>({
    method: 'POST',
    url: base,
    policy: 'volume_extension:type_create',
    target: projectTarget,
    body: volumeTypeCreateBody,
    successStatus: 200,
    response: volumeTypeCreateResponse,
    expectedErrors: [409],
    handler: async (ctx, deps) => {
      const b = ctx.body.volume_type;
      const isPublic = b['os-volume-type-access:is_public'];
      const t = await createType(deps, {
        name: b.name,
        description: b.description ?? null,
        isPublic: isPublic === undefined ? true : parseCinderBoolean(isPublic),
        extraSpecs: b.extra_specs ?? {},
      });
      return shown(ctx, t, 'create');
    },
  }),
  route<VolumeDeps, typeof volumeTypeUpdateBody>({
    method: 'PUT',
    url: `${base}/:type_id`,
    policy: 'volume_extension:type_update',
    target: projectTarget,
    body: volumeTypeUpdateBody,
    successStatus: 200,
    response: volumeTypeUpdateResponse,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const b = ctx.body.volume_type;
      const t = await updateType(deps, typeId(ctx), {
        ...(b.name !== undefined && b.name !== null && { name: b.name }),
        ...(b.description !== undefined && b.description !== null && { description: b.description }),
        ...(b.is_public !== undefined && { isPublic: parseCinderBoolean(b.is_public) }),
      });
      return shown(ctx, t, 'update');
    },
  }),
  route<VolumeDeps>({
    method: 'DELETE',
    url: `${base}/:type_id`,
    policy: 'volume_extension:type_delete',
    target: projectTarget,
    successStatus: 202,
    response: noBody,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      await deleteType(deps, typeId(ctx));
      return undefined;
    },
  }),
];

const specs = `${base}/:type_id/extra_specs`;

const extraSpecRoutes = [
  route<VolumeDeps>({
    method: 'GET',
    url: specs,
    policy: 'volume_extension:types_extra_specs:index',
    target: projectTarget,
    successStatus: 200,
    response: extraSpecsResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const t = await findVolumeType(deps, volumeCallerOf(ctx), typeId(ctx));
      return { extra_specs: visibleSpecs(viewContext(ctx), t.extraSpecs) };
    },
  }),
  route<VolumeDeps, typeof extraSpecsCreateBody>({
    method: 'POST',
    url: specs,
    policy: 'volume_extension:types_extra_specs:create',
    target: projectTarget,
    body: extraSpecsCreateBody,
    successStatus: 200,
    response: extraSpecsResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      await changeExtraSpecs(deps, volumeCallerOf(ctx), typeId(ctx), { set: ctx.body.extra_specs });
      return ctx.body;
    },
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${specs}/:key`,
    policy: 'volume_extension:types_extra_specs:show',
    target: projectTarget,
    successStatus: 200,
    response: extraSpecResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const t = await findVolumeType(deps, volumeCallerOf(ctx), typeId(ctx));
      const key = ctx.params['key']!;
      const visible = visibleSpecs(viewContext(ctx), t.extraSpecs);
      if (!(key in visible)) throw specNotFound(t.id, key);
      return { [key]: visible[key] };
    },
  }),
  route<VolumeDeps, typeof extraSpecUpdateBody>({
    method: 'PUT',
    url: `${specs}/:key`,
    policy: 'volume_extension:types_extra_specs:update',
    target: projectTarget,
    body: extraSpecUpdateBody,
    successStatus: 200,
    response: extraSpecResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      if (!(ctx.params['key']! in ctx.body))
        throw new InputError('volume.type.spec_mismatch', 'Request body and URI mismatch');
      await changeExtraSpecs(deps, volumeCallerOf(ctx), typeId(ctx), { set: ctx.body });
      return ctx.body;
    },
  }),
  route<VolumeDeps>({
    method: 'DELETE',
    url: `${specs}/:key`,
    policy: 'volume_extension:types_extra_specs:delete',
    target: projectTarget,
    successStatus: 202,
    response: noBody,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      await changeExtraSpecs(deps, volumeCallerOf(ctx), typeId(ctx), { unset: ctx.params['key']! });
      return undefined;
    },
  }),
];

const accessRoutes = [
  route<VolumeDeps>({
    method: 'GET',
    url: `${base}/:type_id/os-volume-type-access`,
    policy: 'volume_extension:volume_type_access:get_all_for_type',
    target: projectTarget,
    successStatus: 200,
    response: volumeTypeAccessResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const projects = await typeAccessList(deps, typeId(ctx));
      return {
        volume_type_access: projects.map((p) => ({ volume_type_id: typeId(ctx), project_id: p })),
      };
    },
  }),
  route<VolumeDeps, typeof volumeTypeActionBody>({
    method: 'POST',
    url: `${base}/:type_id/action`,
    // Each action has its own rule, checked in the handler.
    body: volumeTypeActionBody,
    successStatus: 202,
    response: noBody,
    expectedErrors: [404, 409],
    handler: async (ctx, deps) => {
      const b = ctx.body;
      if ('addProjectAccess' in b) {
        ctx.authorize('volume_extension:volume_type_access:addProjectAccess', projectTarget(ctx));
        await addTypeAccess(deps, typeId(ctx), b.addProjectAccess.project);
      } else {
        ctx.authorize('volume_extension:volume_type_access:removeProjectAccess', projectTarget(ctx));
        await removeTypeAccess(deps, typeId(ctx), b.removeProjectAccess.project);
      }
      return undefined;
    },
  }),
];

/** Cinder's /types with extra specs and project access for private types. */
export const volumeTypeRoutes = [...typeRoutes, ...extraSpecRoutes, ...accessRoutes];
