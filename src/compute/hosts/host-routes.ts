import { nextPageLinks, pageAfter, parsePageRequest } from '../../common/http/pagination.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { apiMaxLimit, markerNotFound } from '../compute-paging.js';
import { atLeast, rejectFieldsBefore } from '../../common/http/microversion.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { serviceListQuery, serviceUpdateBody } from './host-schemas.js';
import * as service from './host-service.js';
import {
  availabilityZoneDetailView,
  availabilityZoneListView,
  hypervisorStatisticsView,
  hostApiId,
  hypervisorView,
  serviceView,
} from './host-view.js';

const noTarget = () => ({});
const hv = '/v2.1/os-hypervisors';

/** Availability zones, hypervisors and services: read-only views over compute_hosts, plus the enable switch. */
export const hostRoutes = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/os-availability-zone',
    policy: 'os_compute_api:os-availability-zone:list',
    target: noTarget,
    successStatus: 200,
    expectedErrors: [],
    handler: async (_ctx, deps) => availabilityZoneListView(await service.availabilityZones(deps)),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/os-availability-zone/detail',
    policy: 'os_compute_api:os-availability-zone:detail',
    target: noTarget,
    successStatus: 200,
    expectedErrors: [],
    handler: async (_ctx, deps) => availabilityZoneDetailView(await service.availabilityZones(deps)),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: hv,
    policy: 'os_compute_api:os-hypervisors:list',
    target: noTarget,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => hypervisorPage(ctx, await service.hostStates(deps), false),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${hv}/detail`,
    policy: 'os_compute_api:os-hypervisors:list-detail',
    target: noTarget,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => hypervisorPage(ctx, await service.hostStates(deps), true),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${hv}/statistics`,
    policy: 'os_compute_api:os-hypervisors:statistics',
    target: noTarget,
    successStatus: 200,
    expectedErrors: [],
    handler: async (_ctx, deps) => hypervisorStatisticsView(await service.hostStates(deps)),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${hv}/:hypervisor_id`,
    policy: 'os_compute_api:os-hypervisors:show',
    target: noTarget,
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      hypervisor: hypervisorView(
        await service.findHypervisor(deps, ctx.params['hypervisor_id']!, ctx.microversion),
        true,
        ctx.microversion,
      ),
    }),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${hv}/:hypervisor_id/uptime`,
    policy: 'os_compute_api:os-hypervisors:uptime',
    target: noTarget,
    successStatus: 200,
    expectedErrors: [400, 404], // 501 needs no declaring (5xx pass as they are)
    handler: async (ctx, deps) =>
      service.hypervisorUptime(
        await service.findHypervisor(deps, ctx.params['hypervisor_id']!, ctx.microversion),
      ),
  }),
  // Before 2.53 the hostname pattern travels in the path: /os-hypervisors/{pattern}/search|servers.
  route<ComputeDeps>({
    method: 'GET',
    url: `${hv}/:hypervisor_id/search`,
    policy: 'os_compute_api:os-hypervisors:search',
    target: noTarget,
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      hypervisors: (await service.searchHypervisors(deps, ctx.params['hypervisor_id']!)).map((s) =>
        hypervisorView(s, false, ctx.microversion),
      ),
    }),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${hv}/:hypervisor_id/servers`,
    policy: 'os_compute_api:os-hypervisors:servers',
    target: noTarget,
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const states = await service.searchHypervisors(deps, ctx.params['hypervisor_id']!);
      const views = states.map(async (s) =>
        hypervisorView(s, false, ctx.microversion, await service.serversOnHost(deps, s.host.hostname)),
      );
      return { hypervisors: await Promise.all(views) };
    },
  }),
  route<ComputeDeps, undefined, typeof serviceListQuery>({
    method: 'GET',
    url: '/v2.1/os-services',
    policy: 'os_compute_api:os-services:list',
    target: noTarget,
    query: serviceListQuery,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const { host, binary } = ctx.query;
      if (binary && binary !== service.computeBinary) return { services: [] };
      const states = (await service.hostStates(deps)).filter((s) => !host || s.host.hostname === host);
      return { services: states.map((s) => serviceView(s, ctx.microversion)) };
    },
  }),
  route<ComputeDeps, typeof serviceUpdateBody>({
    method: 'PUT',
    url: '/v2.1/os-services/:action',
    policy: 'os_compute_api:os-services:update',
    target: noTarget,
    body: serviceUpdateBody,
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const b = ctx.body;
      const action = ctx.params['action']!;
      if (action === 'force-down' && atLeast(ctx.microversion, [2, 11])) {
        const forcedDown = await service.forceDownService(deps, b);
        return { service: { host: b.host, binary: b.binary, forced_down: forcedDown } };
      }
      rejectFieldsBefore(undefined, [2, 11], '', b, ['forced_down']);
      const r = await service.updateService(deps, action, b);
      const reason = r.reason === null ? {} : { disabled_reason: r.reason };
      return { service: { host: b.host, binary: b.binary, status: r.status, ...reason } };
    },
  }),
  route<ComputeDeps>({
    method: 'DELETE',
    url: '/v2.1/os-services/:service_id',
    policy: 'os_compute_api:os-services:delete',
    target: noTarget,
    successStatus: 204,
    expectedErrors: [400, 404, 409],
    handler: (ctx, deps) => service.deleteService(deps, ctx.params['service_id']!, ctx.microversion),
  }),
];

/** The hypervisor list, paged by limit and marker (a hypervisor id) from 2.33, as Nova. */
function hypervisorPage(ctx: RequestContext, states: ReadonlyArray<service.HostState>, detail: boolean) {
  if (!atLeast(ctx.microversion, [2, 33]))
    return { hypervisors: states.map((s) => hypervisorView(s, detail, ctx.microversion)) };
  const page = parsePageRequest(ctx.query, apiMaxLimit);
  const id = (s: service.HostState) => String(hostApiId(s.host, ctx.microversion));
  const shown = pageAfter(states, page, id, markerNotFound);
  const links = nextPageLinks(
    ctx.url,
    ctx.query,
    page,
    shown.map((s) => ({ id: id(s) })),
  );
  return {
    hypervisors: shown.map((s) => hypervisorView(s, detail, ctx.microversion)),
    ...(links.length > 0 && { hypervisors_links: links }),
  };
}
