import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from '../image/image-fixtures.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

type Json = Record<string, unknown>;

for (const dialect of testDialects()) {
  describe(`${dialect}: routers API`, () => {
    let t: TestCloud;
    let admin: string;
    let alice: ProjectUser;
    let bob: ProjectUser;
    let api: ReturnType<typeof networkClient>;
    let pub: Json;
    let pubSubnet: Json;
    let net: Json;
    let subnet: Json;
    const fault = async (res: { statusCode: number; json: () => Json }, status: number) => {
      expect(res.statusCode).toBe(status);
      return (res.json() as { NeutronError: Json }).NeutronError;
    };
    const show = async (id: string, token = alice.token) =>
      (await api.call('GET', `/routers/${id}`, token)).json().router as Json;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      api = networkClient(t);
      alice = await projectUser(t, admin, 'alice');
      bob = await projectUser(t, admin, 'bob');
      pub = await api.create(admin, 'network', { name: 'public', 'router:external': true });
      pubSubnet = await api.create(admin, 'subnet', {
        network_id: pub.id,
        ip_version: 4,
        cidr: '172.24.4.0/24',
      });
      net = await api.create(alice.token, 'network', { name: 'private' });
      subnet = await api.create(alice.token, 'subnet', {
        network_id: net.id,
        ip_version: 4,
        cidr: '10.0.0.0/24',
      });
    });
    afterAll(async () => t?.close());

    it('creates a router with a gateway, field by field as Neutron shows it', async () => {
      const router = await api.create(alice.token, 'router', {
        name: 'r1',
        external_gateway_info: { network_id: pub.id },
      });
      expect(Object.keys(router).sort()).toEqual(
        [
          'id',
          'name',
          'tenant_id',
          'project_id',
          'admin_state_up',
          'status',
          'external_gateway_info',
          'routes',
          'description',
          'tags',
          'created_at',
          'updated_at',
          'revision_number',
        ].sort(),
      );
      expect(router).toMatchObject({
        name: 'r1',
        status: 'ACTIVE',
        admin_state_up: true,
        project_id: alice.projectId,
        routes: [],
        revision_number: 1,
      });
      const gw = router.external_gateway_info as Json;
      expect(gw.network_id).toBe(pub.id);
      expect(gw.enable_snat).toBe(true);
      const ips = gw.external_fixed_ips as Json[];
      expect(ips).toHaveLength(1);
      expect(ips[0]!.subnet_id).toBe(pubSubnet.id);
      const ports = (await api.call('GET', `/ports?device_id=${router.id as string}`, admin)).json()
        .ports as Json[];
      expect(ports.map((p) => p.device_owner)).toEqual(['network:router_gateway']);
      expect((ports[0]!.fixed_ips as Json[])[0]!.ip_address).toBe(ips[0]!.ip_address);
      // The gateway port belongs to no project: the tenant does not see it.
      const own = (await api.call('GET', `/ports?device_id=${router.id as string}`, alice.token)).json()
        .ports;
      expect(own).toEqual([]);
    });

    it('adds and removes an interface by subnet, with the subnet gateway address', async () => {
      const router = await api.create(alice.token, 'router', { name: 'r2' });
      const add = await api.call('PUT', `/routers/${router.id as string}/add_router_interface`, alice.token, {
        subnet_id: subnet.id,
      });
      expect(add.statusCode).toBe(200);
      const info = add.json() as Json;
      expect(Object.keys(info).sort()).toEqual(
        ['id', 'tenant_id', 'project_id', 'port_id', 'subnet_id', 'subnet_ids', 'network_id'].sort(),
      );
      expect(info).toMatchObject({
        id: router.id,
        subnet_id: subnet.id,
        subnet_ids: [subnet.id],
        network_id: net.id,
      });
      const port = (await api.call('GET', `/ports/${info.port_id as string}`, alice.token)).json()
        .port as Json;
      expect(port).toMatchObject({ device_owner: 'network:router_interface', device_id: router.id });
      expect(port.fixed_ips).toEqual([{ subnet_id: subnet.id, ip_address: '10.0.0.1' }]);

      // The same subnet again: 400 as Neutron, and nothing changes.
      const again = await api.call(
        'PUT',
        `/routers/${router.id as string}/add_router_interface`,
        alice.token,
        {
          subnet_id: subnet.id,
        },
      );
      expect(await fault(again, 400)).toEqual({
        type: 'BadRequest',
        message: `Bad router request: Router already has a port on subnet ${subnet.id as string}.`,
        detail: '',
      });
      // Deleting the interface port directly, or the router with it: 409.
      const direct = await api.call('DELETE', `/ports/${info.port_id as string}`, alice.token);
      expect(await fault(direct, 409)).toEqual({
        type: 'ServicePortInUse',
        message: `Port ${info.port_id as string} cannot be deleted directly via the port API: has device owner network:router_interface.`,
        detail: '',
      });
      const busy = await api.call('DELETE', `/routers/${router.id as string}`, alice.token);
      expect(await fault(busy, 409)).toEqual({
        type: 'RouterInUse',
        message: `Router ${router.id as string} has ports still attached: ${info.port_id as string}`,
        detail: '',
      });
      const ports = (await api.call('GET', `/ports?device_id=${router.id as string}`, alice.token)).json()
        .ports;
      expect(ports).toHaveLength(1);
      expect((await show(router.id as string)).revision_number).toBe(2); // the interface bumped it, as Neutron's

      const remove = await api.call(
        'PUT',
        `/routers/${router.id as string}/remove_router_interface`,
        alice.token,
        {
          subnet_id: subnet.id,
        },
      );
      expect(remove.statusCode).toBe(200);
      expect(remove.json()).toEqual(info);
      expect((await api.call('GET', `/ports/${info.port_id as string}`, alice.token)).statusCode).toBe(404);
      const gone = await api.call(
        'PUT',
        `/routers/${router.id as string}/remove_router_interface`,
        alice.token,
        {
          subnet_id: subnet.id,
        },
      );
      expect(await fault(gone, 404)).toMatchObject({ type: 'RouterInterfaceNotFoundForSubnet' });
      expect((await api.call('DELETE', `/routers/${router.id as string}`, alice.token)).statusCode).toBe(204);
    });

    it('gives a router interface the gateway of a SLAAC subnet, which a plain port may not take', async () => {
      const v6net = await api.create(alice.token, 'network', { name: 'v6' });
      const v6 = await api.create(alice.token, 'subnet', {
        network_id: v6net.id,
        ip_version: 6,
        cidr: 'fd00:5::/64',
        ipv6_ra_mode: 'slaac',
        ipv6_address_mode: 'slaac',
      });
      const plain = await api.call('POST', '/ports', alice.token, {
        port: { network_id: v6net.id, fixed_ips: [{ subnet_id: v6.id, ip_address: 'fd00:5::1' }] },
      });
      expect(await fault(plain, 400)).toMatchObject({ type: 'InvalidInput' });
      const router = await api.create(alice.token, 'router', { name: 'r-v6' });
      const add = await api.call('PUT', `/routers/${router.id as string}/add_router_interface`, alice.token, {
        subnet_id: v6.id,
      });
      expect(add.statusCode, add.body).toBe(200);
      const port = (await api.call('GET', `/ports/${add.json().port_id as string}`, alice.token)).json()
        .port as Json;
      expect(port.fixed_ips).toEqual([{ subnet_id: v6.id, ip_address: 'fd00:5::1' }]);
      const id = router.id as string;
      const body = { subnet_id: v6.id };
      expect(
        (await api.call('PUT', `/routers/${id}/remove_router_interface`, alice.token, body)).statusCode,
      ).toBe(200);
      expect((await api.call('DELETE', `/routers/${id}`, alice.token)).statusCode).toBe(204);
    });

    it('adds an interface by port and refuses ports, subnets and bodies Neutron refuses', async () => {
      const router = await api.create(alice.token, 'router', { name: 'r3' });
      const url = `/routers/${router.id as string}/add_router_interface`;
      const other = await api.create(alice.token, 'network', { name: 'other' });
      const s2 = await api.create(alice.token, 'subnet', {
        network_id: other.id,
        ip_version: 4,
        cidr: '10.1.0.0/24',
      });
      const port = await api.create(alice.token, 'port', { network_id: other.id });
      const byPort = await api.call('PUT', url, alice.token, { port_id: port.id });
      expect(byPort.statusCode).toBe(200);
      expect(byPort.json()).toMatchObject({ port_id: port.id, subnet_ids: [s2.id], network_id: other.id });
      const shown = (await api.call('GET', `/ports/${port.id as string}`, alice.token)).json().port as Json;
      expect(shown).toMatchObject({ device_owner: 'network:router_interface', device_id: router.id });

      const noGw = await api.create(alice.token, 'network', { name: 'nogw' });
      const s3 = await api.create(alice.token, 'subnet', {
        network_id: noGw.id,
        ip_version: 4,
        cidr: '10.2.0.0/24',
        gateway_ip: null,
      });
      expect(await fault(await api.call('PUT', url, alice.token, { subnet_id: s3.id }), 400)).toEqual({
        type: 'BadRequest',
        message: 'Bad router request: Subnet for router interface must have a gateway IP.',
        detail: '',
      });
      expect((await fault(await api.call('PUT', url, alice.token, {}), 400)).message).toBe(
        'Bad router request: Either subnet_id or port_id must be specified.',
      );
      expect(
        (await fault(await api.call('PUT', url, alice.token, { subnet_id: s3.id, port_id: port.id }), 400))
          .message,
      ).toBe('Bad router request: Cannot specify both subnet-id and port-id.');
      const used = await api.create(alice.token, 'port', { network_id: noGw.id, device_id: 'vm-1' });
      expect(await fault(await api.call('PUT', url, alice.token, { port_id: used.id }), 409)).toMatchObject({
        type: 'PortInUse',
      });
      // An overlapping subnet on another network.
      const dup = await api.create(alice.token, 'network', { name: 'dup' });
      const s4 = await api.create(alice.token, 'subnet', {
        network_id: dup.id,
        ip_version: 4,
        cidr: '10.1.0.0/16',
      });
      expect((await fault(await api.call('PUT', url, alice.token, { subnet_id: s4.id }), 400)).message).toBe(
        `Bad router request: Cidr 10.1.0.0/16 of subnet ${s4.id as string} overlaps with cidr 10.1.0.0/24 of subnet ${s2.id as string}.`,
      );
      expect(
        (await api.call('GET', `/ports?device_id=${router.id as string}`, alice.token)).json().ports,
      ).toHaveLength(1);
      const remove = await api.call(
        'PUT',
        `/routers/${router.id as string}/remove_router_interface`,
        alice.token,
        {
          port_id: port.id,
        },
      );
      expect(remove.statusCode).toBe(200);
    });

    it('validates static routes against attached subnets (extraroute)', async () => {
      const router = await api.create(alice.token, 'router', { name: 'r4' });
      const id = router.id as string;
      await api.call('PUT', `/routers/${id}/add_router_interface`, alice.token, { subnet_id: subnet.id });
      const bad = [{ destination: '192.168.0.0/24', nexthop: '10.9.0.5' }];
      const refused = await api.call('PUT', `/routers/${id}`, alice.token, { router: { routes: bad } });
      expect(await fault(refused, 400)).toEqual({
        type: 'InvalidRoutes',
        message:
          "Invalid format for routes: [{'destination': '192.168.0.0/24', 'nexthop': '10.9.0.5'}], the nexthop is not connected with router",
        detail: '',
      });
      expect((await show(id)).routes).toEqual([]);
      const own = await api.call('PUT', `/routers/${id}`, alice.token, {
        router: { routes: [{ destination: '192.168.0.0/24', nexthop: '10.0.0.1' }] },
      });
      expect((await fault(own, 400)).message).toContain('the nexthop is used by router');
      const good = [{ destination: '192.168.0.0/24', nexthop: '10.0.0.5' }];
      const ok = await api.call('PUT', `/routers/${id}`, alice.token, { router: { routes: good } });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().router).toMatchObject({ routes: good, revision_number: 3 });
      const post = await api.call('POST', '/routers', alice.token, { router: { routes: good } });
      expect((await fault(post, 400)).message).toBe("Attribute 'routes' not allowed in POST");
      const inUse = await api.call('PUT', `/routers/${id}/remove_router_interface`, alice.token, {
        subnet_id: subnet.id,
      });
      expect(await fault(inUse, 409)).toMatchObject({ type: 'RouterInterfaceInUseByRoute' });
      await api.call('PUT', `/routers/${id}`, alice.token, { router: { routes: null } });
      expect((await show(id)).routes).toEqual([]);
      await api.call('PUT', `/routers/${id}/remove_router_interface`, alice.token, { subnet_id: subnet.id });
    });

    it('refuses distributed and ha as unknown attributes, and gateway rules', async () => {
      for (const attr of ['distributed', 'ha']) {
        const res = await api.call('POST', '/routers', admin, { router: { name: 'x', [attr]: true } });
        expect(await fault(res, 400)).toEqual({
          type: 'HTTPBadRequest',
          message: `Unrecognized attribute(s) '${attr}'`,
          detail: '',
        });
      }
      const notExt = await api.call('POST', '/routers', alice.token, {
        router: { external_gateway_info: { network_id: net.id } },
      });
      expect((await fault(notExt, 400)).message).toBe(
        `Bad router request: Network ${net.id as string} is not an external network.`,
      );
      const snat = await api.call('POST', '/routers', alice.token, {
        router: { external_gateway_info: { network_id: pub.id, enable_snat: false } },
      });
      expect((await fault(snat, 403)).type).toBe('PolicyNotAuthorized');
      const fixed = await api.call('POST', '/routers', alice.token, {
        router: {
          external_gateway_info: { network_id: pub.id, external_fixed_ips: [{ ip_address: '172.24.4.50' }] },
        },
      });
      expect(fixed.statusCode).toBe(403);
      const routers = (await api.call('GET', '/routers', alice.token)).json().routers as Json[];
      expect(routers.map((r) => r.name).sort()).toEqual(['r1', 'r3', 'r4']);
      const byAdmin = await api.call('POST', '/routers', admin, {
        router: {
          name: 'adm',
          external_gateway_info: {
            network_id: pub.id,
            enable_snat: false,
            external_fixed_ips: [{ ip_address: '172.24.4.50' }],
          },
        },
      });
      expect(byAdmin.statusCode).toBe(201);
      expect(byAdmin.json().router.external_gateway_info).toEqual({
        network_id: pub.id,
        enable_snat: false,
        external_fixed_ips: [{ subnet_id: pubSubnet.id, ip_address: '172.24.4.50' }],
      });
      const cleared = await api.call('PUT', `/routers/${byAdmin.json().router.id as string}`, admin, {
        router: { external_gateway_info: {} },
      });
      expect(cleared.json().router.external_gateway_info).toBeNull();
    });

    it("hides one project's routers from another (404) and counts the router quota", async () => {
      const router = await api.create(alice.token, 'router', { name: 'mine' });
      const id = router.id as string;
      expect(await fault(await api.call('GET', `/routers/${id}`, bob.token), 404)).toEqual({
        type: 'RouterNotFound',
        message: `Router ${id} could not be found`,
        detail: '',
      });
      expect((await api.call('PUT', `/routers/${id}`, bob.token, { router: { name: 'x' } })).statusCode).toBe(
        404,
      );
      expect((await api.call('DELETE', `/routers/${id}`, bob.token)).statusCode).toBe(404);
      expect((await api.call('GET', '/routers', bob.token)).json().routers).toEqual([]);
      expect((await api.call('GET', `/routers/${id}`, admin)).statusCode).toBe(200);
      await api.call('PUT', `/quotas/${bob.projectId}`, admin, { quota: { router: 1 } });
      await api.create(bob.token, 'router', { name: 'b1' });
      const over = await api.call('POST', '/routers', bob.token, { router: { name: 'b2' } });
      expect(await fault(over, 409)).toEqual({
        type: 'OverQuota',
        message: "Quota exceeded for resources: ['router'].",
        detail: '',
      });
      expect((await api.call('GET', '/routers', bob.token)).json().routers).toHaveLength(1);
      const tag = await api.call('PUT', `/routers/${id}/tags/blue`, alice.token);
      expect(tag.statusCode).toBe(201);
      expect((await show(id)).tags).toEqual(['blue']);
    });

    it('lists the one availability zone for networks and routers, to admins', async () => {
      const res = await api.call('GET', '/availability_zones', admin);
      expect(res.json()).toEqual({
        availability_zones: [
          { name: 'nova', resource: 'network', state: 'available' },
          { name: 'nova', resource: 'router', state: 'available' },
        ],
      });
      const routers = await api.call('GET', '/availability_zones?resource=router', admin);
      expect(routers.json().availability_zones).toEqual([
        { name: 'nova', resource: 'router', state: 'available' },
      ]);
      expect((await api.call('GET', '/availability_zones', alice.token)).statusCode).toBe(403);
    });
  });
}
