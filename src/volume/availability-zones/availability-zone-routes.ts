import Type from 'typebox';
import type { RequestContext } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import { bool, str, strict } from '../../common/http/response-schemas.js';
import type { VolumeDeps } from '../volume-deps.js';

const zoneListResponse = strict({
  availabilityZoneInfo: Type.Array(strict({ zoneName: str, zoneState: strict({ available: bool }) })),
});

/** Cinder's os-availability-zone: the one zone this volume service serves. */
export const availabilityZoneRoutes = [
  route<VolumeDeps>({
    method: 'GET',
    url: '/v3/:project_id/os-availability-zone',
    policy: 'volume_extension:availability_zone_list',
    target: (ctx: RequestContext) => ({ project_id: ctx.auth.projectId, user_id: ctx.auth.userId }),
    successStatus: 200,
    response: zoneListResponse,
    expectedErrors: [],
    handler: async (_ctx, deps) => ({
      availabilityZoneInfo: [{ zoneName: deps.availabilityZone, zoneState: { available: true } }],
    }),
  }),
];
