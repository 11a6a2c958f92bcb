import { Type } from 'typebox';
import type { WorkloadDevice } from '../../agent/drivers/driver.js';
import type { DeviceOutcome, HostRegistration, StepOutcome } from '../../agent/transport/control-plane.js';
import { InputError } from '../../common/errors.js';
import { NotFoundError } from '../../common/errors.js';
import type { RouteSpec } from '../../common/http/route-spec.js';
import { route } from '../../common/http/route-spec.js';
import type { ComputeDeps } from '../compute-deps.js';
import { requestAttach, requestDetach, serverDevices } from '../devices/device-service.js';

const policy = 'strata:agent';
/** Host agents authenticate with a service credential (admin, or the `service` role). */
export const agentApiPolicy: Readonly<Record<string, string>> = { [policy]: 'role:admin or role:service' };

const base = '/agent/v1/hosts/:hostname';
const longPollMaxMs = 25_000;

/** Shapes are checked loosely here: the agent and the control plane are the same program. */
const registration = Type.Object({
  hostname: Type.String({ minLength: 1, maxLength: 255 }),
  driver: Type.String({ minLength: 1 }),
  availabilityZone: Type.String({ minLength: 1 }),
  facts: Type.Object({
    vcpus: Type.Integer({ minimum: 0 }),
    memoryMb: Type.Integer({ minimum: 0 }),
    diskGb: Type.Integer({ minimum: 0 }),
    traits: Type.Array(Type.String()),
    details: Type.Record(Type.String(), Type.Unknown()),
  }),
  reserved: Type.Object({
    vcpus: Type.Integer({ minimum: 0 }),
    memoryMb: Type.Integer({ minimum: 0 }),
    diskGb: Type.Integer({ minimum: 0 }),
  }),
  tunnelIp: Type.Optional(Type.String({ minLength: 2, maxLength: 64 })),
  dataplane: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
});
const outcomeBody = Type.Object({
  generation: Type.Integer(),
  outcome: Type.Object(
    {
      kind: Type.Union([
        Type.Literal('done'),
        Type.Literal('failed'),
        Type.Literal('destroyed'),
        Type.Literal('observed'),
      ]),
    },
    { additionalProperties: true },
  ),
});

const portStatusBody = Type.Object({
  status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('DOWN')]),
  vif_type: Type.String({ minLength: 1, maxLength: 64 }),
});

const servicePortsBody = Type.Object({
  ports: Type.Array(
    Type.Object({
      port_id: Type.String({ minLength: 1, maxLength: 64 }),
      status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('DOWN')]),
    }),
    { maxItems: 10_000 },
  ),
  vif_type: Type.String({ minLength: 1, maxLength: 64 }),
});

const deviceOutcomeBody = Type.Object({
  generation: Type.Integer(),
  outcome: Type.Object(
    {
      kind: Type.Union([Type.Literal('attached'), Type.Literal('detached'), Type.Literal('failed')]),
      message: Type.Optional(Type.String({ maxLength: 4096 })),
    },
    { additionalProperties: false },
  ),
});
const fixedIp = Type.Object({
  subnetId: Type.String(),
  ipAddress: Type.String(),
  cidr: Type.String(),
  gateway: Type.Union([Type.String(), Type.Null()]),
  dhcp: Type.Boolean(),
  dnsNameservers: Type.Array(Type.String()),
  hostRoutes: Type.Array(Type.Object({ destination: Type.String(), nexthop: Type.String() })),
});
/** A device as its owning service hands it over (src/agent/drivers/driver.ts). */
const deviceBody = Type.Union([
  Type.Object({
    nic: Type.Object({
      portId: Type.String(),
      networkId: Type.String(),
      mac: Type.String(),
      mtu: Type.Integer(),
      hostName: Type.String(),
      fixedIps: Type.Array(fixedIp, { maxItems: 64 }),
    }),
  }),
  Type.Object({
    disk: Type.Object({
      volumeId: Type.String(),
      source: Type.String({ maxLength: 4096 }),
      format: Type.Union([Type.Literal('raw'), Type.Literal('qcow2')]),
      readOnly: Type.Boolean(),
      deviceName: Type.Optional(Type.String({ maxLength: 64 })),
      bootIndex: Type.Optional(Type.Integer({ minimum: 0 })),
      qos: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 0 }))),
    }),
  }),
]);

const consoleReply = Type.Object({
  output: Type.Optional(Type.String({ maxLength: 16 * 1024 * 1024 })),
  error: Type.Optional(Type.String({ maxLength: 4096 })),
});
const idsBody = Type.Object({ servers: Type.Array(Type.String(), { maxItems: 10_000 }) });
const imageIdsBody = Type.Object({
  images: Type.Array(Type.String({ maxLength: 255 }), { maxItems: 1_000 }),
});
const changesQuery = Type.Object({
  after: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  wait_ms: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
});

const devicePath = '/agent/v1/servers/:server_id/devices';

/** The `:kind/:device_id` of a device route, checked. */
function deviceRefParam(params: Readonly<Record<string, string | undefined>>) {
  const kind = params['kind'];
  if (kind !== 'nic' && kind !== 'disk')
    throw new InputError('compute.device.invalid', 'Device kind is nic or disk.');
  return { kind, id: params['device_id']! } as const;
}

/**
 * The control plane over HTTP, for `strata agent` on other hosts: the same calls the
 * in-process agents make (src/agent/transport/control-plane.ts), plus a long poll for
 * change notices. Not part of Nova's API; mounted beside it at /compute/agent/v1.
 */
export const agentApiRoutes: RouteSpec<ComputeDeps>[] = [
  route<ComputeDeps, typeof registration>({
    method: 'PUT',
    url: base,
    policy,
    body: registration,
    successStatus: 204,
    expectedErrors: [409],
    handler: async (ctx, deps) => {
      await deps
        .controlPlane()
        .registerHost({ ...(ctx.body as HostRegistration), hostname: ctx.params['hostname']! });
      return undefined;
    },
  }),
  route<ComputeDeps>({
    method: 'POST',
    url: `${base}/heartbeat`,
    policy,
    successStatus: 204,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      await deps.controlPlane().heartbeat(ctx.params['hostname']!);
      return undefined;
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${base}/servers`,
    policy,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => ({
      servers: await deps.controlPlane().listAssigned(ctx.params['hostname']!),
    }),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${base}/servers/:server_id`,
    policy,
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const s = await deps.controlPlane().getAssigned(ctx.params['hostname']!, ctx.params['server_id']!);
      if (s === undefined)
        throw new NotFoundError('compute.agent.not_assigned', 'Server not assigned to this host.');
      return { server: s };
    },
  }),
  route<ComputeDeps, typeof outcomeBody>({
    method: 'POST',
    url: `${base}/servers/:server_id/outcome`,
    policy,
    body: outcomeBody,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => ({
      accepted: await deps
        .controlPlane()
        .report(
          ctx.params['hostname']!,
          ctx.params['server_id']!,
          ctx.body.generation,
          ctx.body.outcome as StepOutcome,
        ),
    }),
  }),
  route<ComputeDeps, typeof idsBody>({
    method: 'POST',
    url: '/agent/v1/deleted-servers',
    policy,
    body: idsBody,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => ({ servers: await deps.controlPlane().deletedAmong(ctx.body.servers) }),
  }),
  // The image cache manager's question: which cached images still exist.
  route<ComputeDeps, typeof imageIdsBody>({
    method: 'POST',
    url: '/agent/v1/live-images',
    policy,
    body: imageIdsBody,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => ({ images: await deps.controlPlane().images.liveImages(ctx.body.images) }),
  }),
  route<ComputeDeps, typeof consoleReply>({
    method: 'POST',
    url: `${base}/console-requests/:request_id`,
    policy,
    body: consoleReply,
    successStatus: 204,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const b = ctx.body;
      const reply = {
        ...(b.output !== undefined && { output: b.output }),
        ...(b.error !== undefined && { error: b.error }),
      };
      if (!deps.controlPlane().answerConsole(ctx.params['request_id']!, reply))
        throw new NotFoundError(
          'compute.agent.no_console_request',
          'No console request is waiting for this reply.',
        );
      return undefined;
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${base}/device-servers`,
    policy,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => ({
      servers: await deps.controlPlane().devices.listPending(ctx.params['hostname']!),
    }),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${base}/servers/:server_id/devices`,
    policy,
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const d = await deps
        .controlPlane()
        .devices.getAssigned(ctx.params['hostname']!, ctx.params['server_id']!);
      if (d === undefined)
        throw new NotFoundError('compute.agent.not_assigned', 'Server not assigned to this host.');
      return { devices: d };
    },
  }),
  route<ComputeDeps, typeof deviceOutcomeBody>({
    method: 'POST',
    url: `${base}/device-attachments/:attachment_id/outcome`,
    policy,
    body: deviceOutcomeBody,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const o = ctx.body.outcome;
      const outcome: DeviceOutcome =
        o.kind === 'failed' ? { kind: 'failed', message: o.message ?? 'failed' } : { kind: o.kind };
      return {
        accepted: await deps
          .controlPlane()
          .devices.report(
            ctx.params['hostname']!,
            ctx.params['attachment_id']!,
            ctx.body.generation,
            outcome,
          ),
      };
    },
  }),
  route<ComputeDeps, typeof portStatusBody>({
    method: 'POST',
    url: `${base}/servers/:server_id/ports/:port_id/status`,
    policy,
    body: portStatusBody,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => ({
      accepted: await deps
        .controlPlane()
        .devices.reportPort(
          ctx.params['hostname']!,
          ctx.params['server_id']!,
          ctx.params['port_id']!,
          ctx.body.status,
          ctx.body.vif_type,
        ),
    }),
  }),
  // The services that own devices (network, block storage) attach them to servers here when
  // they run in another process; in-process they call src/compute/devices directly.
  route<ComputeDeps>({
    method: 'GET',
    url: devicePath,
    policy,
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => ({
      devices: (await serverDevices(deps, ctx.params['server_id']!)).map(attachmentView),
    }),
  }),
  route<ComputeDeps, typeof deviceBody>({
    method: 'PUT',
    url: `${devicePath}/:kind/:device_id`,
    policy,
    body: deviceBody,
    successStatus: 202,
    expectedErrors: [400, 404, 409],
    handler: async (ctx, deps) => {
      const ref = deviceRefParam(ctx.params);
      const b = ctx.body;
      const device: WorkloadDevice =
        'nic' in b ? { kind: 'nic', nic: b.nic } : { kind: 'disk', disk: b.disk };
      const id = device.kind === 'nic' ? device.nic.portId : device.disk.volumeId;
      if (device.kind !== ref.kind || id !== ref.id)
        throw new InputError('compute.device.invalid', 'The body names another device than the URL.');
      return { device: attachmentView(await requestAttach(deps, ctx.params['server_id']!, device)) };
    },
  }),
  route<ComputeDeps>({
    method: 'DELETE',
    url: `${devicePath}/:kind/:device_id`,
    policy,
    successStatus: 202,
    expectedErrors: [400, 404, 409],
    handler: async (ctx, deps) => {
      await requestDetach(deps, ctx.params['server_id']!, deviceRefParam(ctx.params));
      return undefined;
    },
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${base}/network-state`,
    policy,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => ({
      network: await deps.controlPlane().networks.hostState(ctx.params['hostname']!),
    }),
  }),
  route<ComputeDeps, typeof servicePortsBody>({
    method: 'POST',
    url: `${base}/network-ports/status`,
    policy,
    body: servicePortsBody,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => ({
      accepted: await deps.controlPlane().networks.reportServicePorts(
        ctx.params['hostname']!,
        ctx.body.ports.map((p) => ({ portId: p.port_id, status: p.status })),
        ctx.body.vif_type,
      ),
    }),
  }),
  route<ComputeDeps>({
    method: 'GET',
    url: `${base}/networks/:network_id/instances/:ip_address`,
    policy,
    successStatus: 200,
    expectedErrors: [404],
    handler: async (ctx, deps) => {
      const p = ctx.params;
      const spec = await deps
        .controlPlane()
        .networks.instanceAt(p['hostname']!, p['network_id']!, p['ip_address']!);
      if (spec === undefined)
        throw new NotFoundError('compute.agent.no_instance', 'No instance at that address.');
      return { instance: spec };
    },
  }),
  route<ComputeDeps, undefined, typeof changesQuery>({
    method: 'GET',
    url: `${base}/changes`,
    policy,
    query: changesQuery,
    successStatus: 200,
    expectedErrors: [],
    handler: async (ctx, deps) => {
      const waitMs = Math.min(Number(ctx.query.wait_ms ?? 0), longPollMaxMs);
      return deps.controlPlane().changes.since(ctx.params['hostname']!, Number(ctx.query.after ?? 0), waitMs);
    },
  }),
];

function attachmentView(a: Awaited<ReturnType<typeof serverDevices>>[number]) {
  return {
    id: a.id,
    kind: a.device.kind,
    device: a.device.kind === 'nic' ? a.device.nic : a.device.disk,
    desired: a.desired,
    status: a.status,
    fault: a.fault,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}
