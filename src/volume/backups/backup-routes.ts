import { atLeast, rejectFieldsBefore } from '../../common/http/microversion.js';
import { nextPageLinks, parsePageRequest } from '../../common/http/pagination.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { noBody, route } from '../../common/http/route-spec.js';
import type { VolumeDeps } from '../volume-deps.js';
import { volumeCallerOf } from '../volume-caller.js';
import { parseBool, parseSort } from '../volumes/volume-list-query.js';
import { parseCinderBoolean } from '../types/volume-type-schemas.js';
import { restoreBackup } from './backup-restore.js';
import { backupActionBody, backupCreateBody, backupRestoreBody, backupUpdateBody } from './backup-schemas.js';
import type { BackupListRequest } from './backup-service.js';
import {
  backupNotFound,
  createBackup,
  deleteBackup,
  findBackup,
  listProjectBackups,
  resetBackupStatus,
  updateBackup,
  withDependents,
} from './backup-service.js';
import type { BackupRecord, BackupSortKey } from './backup-store.js';
import type { BackupViewContext } from './backup-view.js';
import { backupDetail, backupSummary } from './backup-view.js';
import {
  backupDetailListResponse,
  backupListResponse,
  backupRestoreResponse,
  backupShowResponse,
  backupSummaryResponse,
} from './backup-response-schemas.js';

const base = '/v3/:project_id/backups';
const maxLimit = 1000;
const sortKeys: ReadonlyArray<BackupSortKey> = ['created_at', 'updated_at', 'id', 'size', 'status'];
const one = (v: unknown) => (Array.isArray(v) ? (v.at(-1) as string) : (v as string | undefined));

const projectTarget = (ctx: RequestContext) => ({ project_id: ctx.auth.projectId, user_id: ctx.auth.userId });
const backupTarget = async (ctx: RequestContext, deps: VolumeDeps) => {
  const b = await findBackup(deps, volumeCallerOf(ctx), ctx.params['backup_id']!);
  return { project_id: b.projectId, user_id: b.userId };
};
const backupId = (ctx: RequestContext) => ctx.params['backup_id']!;

function viewContext(ctx: RequestContext): BackupViewContext {
  return {
    serviceUrl: ctx.serviceUrl,
    projectId: ctx.params['project_id']!,
    microversion: ctx.microversion,
    projectAttribute: ctx.can('backup:backup_project_attribute', projectTarget(ctx)),
  };
}

async function detailOf(ctx: RequestContext, deps: VolumeDeps, b: BackupRecord) {
  return backupDetail(viewContext(ctx), b, (await withDependents(deps, [b])).has(b.id));
}

/** Cinder's backup filters: name, status, volume_id; sort by name from 3.37. */
function listRequest(ctx: RequestContext): BackupListRequest {
  const q = ctx.query;
  const caller = volumeCallerOf(ctx);
  const allTenants = caller.isAdmin && ['1', 'true', 'True'].includes(one(q['all_tenants']) ?? '');
  const keys = atLeast(ctx.microversion, [3, 37]) ? [...sortKeys, 'name' as const] : sortKeys;
  const [name, status, volumeId] = [one(q['name']), one(q['status']), one(q['volume_id'])];
  return {
    ...(!allTenants && { projectId: caller.projectId }),
    ...(name !== undefined && { name }),
    ...(status !== undefined && { status }),
    ...(volumeId !== undefined && { volumeId }),
    sort: parseSort<BackupSortKey>(q, keys),
  };
}

async function list(ctx: RequestContext, deps: VolumeDeps, detailed: boolean) {
  const all = await listProjectBackups(deps, listRequest(ctx));
  const page = parsePageRequest(ctx.query, maxLimit);
  let start = 0;
  if (page.marker !== undefined) {
    start = all.findIndex((b) => b.id === page.marker) + 1;
    if (start === 0) throw backupNotFound(page.marker);
  }
  const items = all.slice(start, start + page.limit);
  const c = viewContext(ctx);
  const dependents = detailed ? await withDependents(deps, items) : new Set<string>();
  const links = nextPageLinks(ctx.url, ctx.query, page, items);
  const withCount =
    atLeast(ctx.microversion, [3, 45]) &&
    ctx.query['with_count'] !== undefined &&
    parseBool('with_count', one(ctx.query['with_count']) ?? '');
  return {
    backups: items.map((b) => (detailed ? backupDetail(c, b, dependents.has(b.id)) : backupSummary(c, b))),
    ...(links.length > 0 && { backups_links: links }),
    ...(withCount && { count: all.length }),
  };
}

const bool = (v: boolean | string | undefined) => (v === undefined ? false : parseCinderBoolean(v));

export const backupRoutes = [
  route<VolumeDeps>({
    method: 'GET',
    url: base,
    policy: 'backup:get_all',
    target: projectTarget,
    successStatus: 200,
    response: backupListResponse,
    expectedErrors: [404],
    handler: (ctx, deps) => list(ctx, deps, false),
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${base}/detail`,
    policy: 'backup:get_all',
    target: projectTarget,
    successStatus: 200,
    response: backupDetailListResponse,
    expectedErrors: [404],
    handler: (ctx, deps) => list(ctx, deps, true),
  }),
  route<VolumeDeps, typeof backupCreateBody>({
    method: 'POST',
    url: base,
    policy: 'backup:create',
    target: projectTarget,
    body: backupCreateBody,
    successStatus: 202,
    response: backupSummaryResponse,
    expectedErrors: [404, 413],
    handler: async (ctx, deps) => {
      const b = ctx.body.backup;
      rejectFieldsBefore(ctx.microversion, [3, 43], 'backup', b, ['metadata']);
      rejectFieldsBefore(ctx.microversion, [3, 51], 'backup', b, ['availability_zone']);
      const created = await createBackup(deps, volumeCallerOf(ctx), {
        volumeId: b.volume_id,
        name: b.name ?? null,
        description: b.description ?? null,
        container: b.container ?? null,
        incremental: bool(b.incremental),
        force: bool(b.force),
        snapshotId: b.snapshot_id ?? null,
        metadata: b.metadata ?? null,
        availabilityZone: b.availability_zone ?? null,
      });
      return { backup: backupSummary(viewContext(ctx), created) };
    },
  }),
  route<VolumeDeps>({
    method: 'GET',
    url: `${base}/:backup_id`,
    policy: 'backup:get',
    target: backupTarget,
    successStatus: 200,
    response: backupShowResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      backup: await detailOf(ctx, deps, await findBackup(deps, volumeCallerOf(ctx), backupId(ctx))),
    }),
  }),
  route<VolumeDeps, typeof backupUpdateBody>({
    method: 'PUT',
    url: `${base}/:backup_id`,
    policy: 'backup:update',
    target: backupTarget,
    body: backupUpdateBody,
    successStatus: 200,
    response: backupSummaryResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      // Cinder's update exists from 3.9; metadata from 3.43.
      if (!atLeast(ctx.microversion, [3, 9])) throw backupNotFound(backupId(ctx));
      const b = ctx.body.backup;
      rejectFieldsBefore(ctx.microversion, [3, 43], 'backup', b, ['metadata']);
      const updated = await updateBackup(deps, volumeCallerOf(ctx), backupId(ctx), {
        ...(b.name !== undefined && { name: b.name }),
        ...(b.description !== undefined && { description: b.description }),
        ...(b.metadata !== undefined && { metadata: b.metadata }),
      });
      return { backup: backupSummary(viewContext(ctx), updated) };
    },
  }),
  route<VolumeDeps>({
    method: 'DELETE',
    url: `${base}/:backup_id`,
    policy: 'backup:delete',
    target: backupTarget,
    successStatus: 202,
    response: noBody,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      await deleteBackup(deps, volumeCallerOf(ctx), backupId(ctx));
      return undefined;
    },
  }),
  route<VolumeDeps, typeof backupRestoreBody>({
    method: 'POST',
    url: `${base}/:backup_id/restore`,
    policy: 'backup:restore',
    target: backupTarget,
    body: backupRestoreBody,
    successStatus: 202,
    response: backupRestoreResponse,
    expectedErrors: [404, 413],
    handler: async (ctx, deps) => {
      const r = ctx.body.restore ?? {};
      const done = await restoreBackup(deps, volumeCallerOf(ctx), backupId(ctx), {
        volumeId: r.volume_id ?? null,
        name: r.name ?? null,
      });
      return {
        restore: { backup_id: done.backupId, volume_id: done.volumeId, volume_name: done.volumeName },
      };
    },
  }),
  route<VolumeDeps, typeof backupActionBody>({
    method: 'POST',
    url: `${base}/:backup_id/action`,
    // Each admin action has its own rule, checked in the handler.
    body: backupActionBody,
    successStatus: 202,
    response: noBody,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const b = ctx.body;
      const target = await backupTarget(ctx, deps);
      if ('os-reset_status' in b) {
        ctx.authorize('volume_extension:backup_admin_actions:reset_status', target);
        await resetBackupStatus(deps, volumeCallerOf(ctx), backupId(ctx), b['os-reset_status'].status);
      } else {
        ctx.authorize('volume_extension:backup_admin_actions:force_delete', target);
        await deleteBackup(deps, volumeCallerOf(ctx), backupId(ctx), true);
      }
      return undefined;
    },
  }),
];
