import { nextPageLinks, pageAfter, parsePageRequest } from '../../common/http/pagination.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import { apiMaxLimit, markerNotFound } from '../compute-paging.js';
import { NotFoundError } from '../../common/errors.js';
import {
  hypervisorDetailListResponse,
  hypervisorListResponse,
  hypervisorSearchResponse,
  hypervisorShowResponse,
  hypervisorStatisticsResponse,
  hypervisorUptimeResponse,
  serviceListResponse,
  serviceUpdateResponse,
} from './host-response-schemas.js';
import type { Microversion } from '../../common/http/microversion.js';
import { atLeast, rejectFieldsBefore } from '../../common/http/microversion.js';
import { hypervisorListQuery, hypervisorShowWithServers } from './hypervisor-query.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import type { Static } from 'typebox';
import { compileValidator } from '../../common/http/validation.js';
import { serviceChangeBody, serviceListQuery, serviceUpdateBody } from './host-schemas.js';
import * as service from './host-service.js';
import {
  availabilityZoneDetailView,
  availabilityZoneListView,
  hypervisorStatisticsView,
  hostApiId,
  hypervisorView,
  serviceView,
} from './host-view.js';
import {
  availabilityZoneDetailResponse,
  availabilityZoneListResponse,
} from './availability-zone-response-schemas.js';

const noTarget = () => ({});
const serviceUpdate = compileValidator(serviceUpdateBody);
const serviceChange = compileValidator(serviceChangeBody);
const hv = '/v2.1/os-hypervisors';

/** Availability zones, hypervisors and services: read-only views over compute_hosts, plus the enable switch. */
export const hostRoutes = [
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/os-availability-zone',
    policy: 'os_compute_api:os-availability-zone:list',
    target: noTarget,
    successStatus: 200,
    response: availabilityZoneListResponse,
    expectedErrors: [],
    handler: async (_ctx, deps) => availabilityZoneListView(await service.availabilityZones(deps)),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: '/v2.1/os-availability-zone/detail',
    policy: 'os_compute_api:os-availability-zone:detail',
    target: noTarget,
    successStatus: 200,
    response: availabilityZoneDetailResponse,
    expectedErrors: [],
    handler: async (_ctx, deps) => availabilityZoneDetailView(await service.availabilityZones(deps)),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: hv,
    policy: 'os_compute_api:os-hypervisors:list',
    target: noTarget,
    successStatus: 200,
    response: hypervisorListResponse,
    expectedErrors: [404], // 2.53: a hostname pattern that matches nothing
    handler: (ctx, deps) => hypervisorList(ctx, deps, false),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${hv}/detail`,
    policy: 'os_compute_api:os-hypervisors:list-detail',
    target: noTarget,
    successStatus: 200,
    response: hypervisorDetailListResponse,
    expectedErrors: [404], // 2.53: a hostname pattern that matches nothing
    handler: (ctx, deps) => hypervisorList(ctx, deps, true),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${hv}/statistics`,
    policy: 'os_compute_api:os-hypervisors:statistics',
    target: noTarget,
    successStatus: 200,
    response: hypervisorStatisticsResponse,
    expectedErrors: [],
    handler: async (_ctx, deps) => hypervisorStatisticsView(await service.hostStates(deps)),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${hv}/:hypervisor_id`,
    policy: 'os_compute_api:os-hypervisors:show',
    target: noTarget,
    successStatus: 200,
    response: hypervisorShowResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const withServers = hypervisorShowWithServers(ctx.microversion, ctx.query);
      const s = await service.findHypervisor(deps, ctx.params['hypervisor_id']!, ctx.microversion);
      const [view] = await hypervisorViews(deps, [s], true, ctx.microversion, withServers);
      return { hypervisor: view };
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${hv}/:hypervisor_id/uptime`,
    policy: 'os_compute_api:os-hypervisors:uptime',
    target: noTarget,
    successStatus: 200,
    response: hypervisorUptimeResponse,
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
    response: hypervisorSearchResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      movedAt253(ctx);
      return {
        hypervisors: (await service.searchHypervisors(deps, ctx.params['hypervisor_id']!)).map((s) =>
          hypervisorView(s, false, ctx.microversion),
        ),
      };
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${hv}/:hypervisor_id/servers`,
    policy: 'os_compute_api:os-hypervisors:servers',
    target: noTarget,
    successStatus: 200,
    response: hypervisorSearchResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      movedAt253(ctx);
      const states = await service.searchHypervisors(deps, ctx.params['hypervisor_id']!);
      return { hypervisors: await hypervisorViews(deps, states, false, ctx.microversion, true) };
    },
  }),
  route<ComputeDeps, undefined, typeof serviceListQuery>({
    method: 'GET',
    url: '/v2.1/os-services',
    policy: 'os_compute_api:os-services:list',
    target: noTarget,
    query: serviceListQuery,
    successStatus: 200,
    response: serviceListResponse,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const { host, binary } = ctx.query;
      if (binary && binary !== service.computeBinary) return { services: [] };
      const states = (await service.hostStates(deps)).filter((s) => !host || s.host.hostname === host);
      return { services: states.map((s) => serviceView(s, ctx.microversion)) };
    },
  }),
  route<ComputeDeps>({
    method: 'PUT',
    // Before 2.53 the path names an action (enable, disable, ...); from it, the service's UUID.
    url: '/v2.1/os-services/:action',
    policy: 'os_compute_api:os-services:update',
    target: noTarget,
    successStatus: 200,
    response: serviceUpdateResponse,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      if (atLeast(ctx.microversion, [2, 53])) {
        const change = serviceChange(ctx.body, 'body') as service.ServiceChange;
        const updated = await service.updateServiceById(deps, ctx.params['action']!, change);
        return { service: serviceView(updated, ctx.microversion) };
      }
      const b = serviceUpdate(ctx.body, 'body') as Static<typeof serviceUpdateBody>;
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

/** 2.53 folded /search and /servers into the list's query: from it those paths are 404. */
function movedAt253(ctx: RequestContext): void {
  if (atLeast(ctx.microversion, [2, 53]))
    throw new NotFoundError('compute.hypervisor.moved', 'The resource could not be found.');
}

/** Views of hypervisors, each with the servers it hosts when asked (listed only when there are some). */
function hypervisorViews(
  deps: ComputeDeps,
  states: ReadonlyArray<service.HostState>,
  detail: boolean,
  mv: Microversion | undefined,
  withServers: boolean,
) {
  return Promise.all(
    states.map(async (s) =>
      hypervisorView(
        s,
        detail,
        mv,
        withServers ? await service.serversOnHost(deps, s.host.hostname) : undefined,
      ),
    ),
  );
}

/** GET /os-hypervisors[/detail]: by hostname pattern (2.53), else paged (2.33). */
async function hypervisorList(ctx: RequestContext, deps: ComputeDeps, detail: boolean) {
  const q = hypervisorListQuery(ctx.microversion, ctx.query);
  if (q.pattern === undefined) return hypervisorPage(ctx, deps, detail, q.withServers);
  const states = await service.searchHypervisors(deps, q.pattern);
  return { hypervisors: await hypervisorViews(deps, states, detail, ctx.microversion, q.withServers) };
}

/** The hypervisor list, paged by limit and marker (a hypervisor id) from 2.33, as Nova. */
async function hypervisorPage(ctx: RequestContext, deps: ComputeDeps, detail: boolean, withServers: boolean) {
  const states = await service.hostStates(deps);
  const mv = ctx.microversion;
  if (!atLeast(mv, [2, 33])) return { hypervisors: await hypervisorViews(deps, states, detail, mv, false) };
  const page = parsePageRequest(ctx.query, apiMaxLimit);
  const id = (s: service.HostState) => String(hostApiId(s.host, mv));
  const shown = pageAfter(states, page, id, markerNotFound);
  const links = nextPageLinks(
    ctx.url,
    ctx.query,
    page,
    shown.map((s) => ({ id: id(s) })),
  );
  return {
    hypervisors: await hypervisorViews(deps, shown, detail, mv, withServers),
    ...(links.length > 0 && { hypervisors_links: links }),
  };
}
