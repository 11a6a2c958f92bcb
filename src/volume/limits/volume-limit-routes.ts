import type { RequestContext } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { VolumeDeps } from '../volume-deps.js';
import { quotaUsages } from '../quotas/volume-quota-service.js';
import { volumeLimitsResponse } from './volume-limit-response-schemas.js';

/** Cinder's absolute limits: each quota resource's limit and what is used of it. */
const limitNames = {
  volumes: ['maxTotalVolumes', 'totalVolumesUsed'],
  gigabytes: ['maxTotalVolumeGigabytes', 'totalGigabytesUsed'],
  snapshots: ['maxTotalSnapshots', 'totalSnapshotsUsed'],
  backups: ['maxTotalBackups', 'totalBackupsUsed'],
  backup_gigabytes: ['maxTotalBackupGigabytes', 'totalBackupGigabytesUsed'],
} as const;

const projectTarget = (ctx: RequestContext) => ({ project_id: ctx.auth.projectId, user_id: ctx.auth.userId });

/** GET /v3/{project_id}/limits (what `openstack limits show --absolute` reads): the caller's project. */
export const volumeLimitRoutes = [
  route<VolumeDeps>({
    method: 'GET',
    url: '/v3/:project_id/limits',
    policy: 'limits_extension:used_limits',
    target: projectTarget,
    successStatus: 200,
    response: volumeLimitsResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const usage = await quotaUsages(deps, ctx.auth.projectId!);
      const absolute = Object.fromEntries(
        Object.entries(limitNames).flatMap(([resource, [max, used]]) => [
          [max, usage[resource]?.limit ?? -1],
          [used, usage[resource]?.in_use ?? 0],
        ]),
      );
      return { limits: { rate: [], absolute } };
    },
  }),
];
