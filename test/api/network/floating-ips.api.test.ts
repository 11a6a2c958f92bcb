import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { ProjectUser } from '../image/image-fixtures.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

type Json = Record<string, unknown>;

for (const dialect of testDialects()) {
  describe(`${dialect}: floating IPs API`, () => {
    let t: TestCloud;
    let admin: string;
    let alice: ProjectUser;
    let bob: ProjectUser;
    let api: ReturnType<typeof networkClient>;
    let pub: Json;
    let net: Json;
    let subnet: Json;
    let router: Json;
    const fault = async (res: { statusCode: number; json: () => Json }, status: number) => {
      expect(res.statusCode).toBe(status);
      return (res.json() as { NeutronError: Json }).NeutronError;
    };
    const show = async (id: string) =>
      (await api.call('GET', `/floatingips/${id}`, alice.token)).json().floatingip as Json;

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      admin = await t.adminToken();
      api = networkClient(t);
      alice = await projectUser(t, admin, 'alice');
      bob = await projectUser(t, admin, 'bob');
      pub = await api.create(admin, 'network', { name: 'public', 'router:external': true });
      await api.create(admin, 'subnet', { network_id: pub.id, ip_version: 4, cidr: '172.24.4.0/24' });
      net = await api.create(alice.token, 'network', { name: 'private' });
      subnet = await api.create(alice.token, 'subnet', {
        network_id: net.id,
        ip_version: 4,
        cidr: '10.0.0.0/24',
      });
      router = await api.create(alice.token, 'router', {
        name: 'r',
        external_gateway_info: { network_id: pub.id },
      });
    });
    afterAll(async () => t?.close());

    it('allocates from the external network, field by field as Neutron shows it', async () => {
      const fip = await api.create(alice.token, 'floatingip', { floating_network_id: pub.id });
      expect(Object.keys(fip).sort()).toEqual(
        [
          'id',
          'tenant_id',
          'project_id',
          'floating_ip_address',
          'floating_network_id',
          'router_id',
          'port_id',
          'fixed_ip_address',
          'status',
          'port_details',
          'dns_name',
          'dns_domain',
          'description',
          'tags',
          'created_at',
          'updated_at',
          'revision_number',
        ].sort(),
      );
      expect(fip).toMatchObject({
        floating_network_id: pub.id,
        router_id: null,
        port_id: null,
        fixed_ip_address: null,
        status: 'DOWN',
        port_details: null,
        project_id: alice.projectId,
      });
      expect(fip.floating_ip_address).toMatch(/^172\.24\.4\.\d+$/);
      const ports = (await api.call('GET', `/ports?device_id=${fip.id as string}`, admin)).json()
        .ports as Json[];
      expect(ports).toHaveLength(1);
      expect(ports[0]).toMatchObject({ device_owner: 'network:floatingip', project_id: '' });
      expect((await api.call('DELETE', `/ports/${ports[0]!.id as string}`, admin)).statusCode).toBe(409);
      expect((await api.call('DELETE', `/floatingips/${fip.id as string}`, alice.token)).statusCode).toBe(
        204,
      );
      expect((await api.call('GET', `/ports/${ports[0]!.id as string}`, admin)).statusCode).toBe(404);
    });

    it('refuses a port whose subnet has no router to the floating network, and changes nothing', async () => {
      const port = await api.create(alice.token, 'port', { network_id: net.id });
      const fip = await api.create(alice.token, 'floatingip', { floating_network_id: pub.id });
      const res = await api.call('PUT', `/floatingips/${fip.id as string}`, alice.token, {
        floatingip: { port_id: port.id },
      });
      expect(await fault(res, 404)).toEqual({
        type: 'ExternalGatewayForFloatingIPNotFound',
        message: `External network ${pub.id as string} is not reachable from subnet ${subnet.id as string}.  Therefore, cannot associate Port ${port.id as string} with a Floating IP.`,
        detail: '',
      });
      expect(await show(fip.id as string)).toEqual(fip);
      const created = await api.call('POST', '/floatingips', alice.token, {
        floatingip: { floating_network_id: pub.id, port_id: port.id },
      });
      expect(created.statusCode).toBe(404);
      expect((await api.call('GET', '/floatingips', alice.token)).json().floatingips).toHaveLength(1);
      await api.call('DELETE', `/floatingips/${fip.id as string}`, alice.token);
    });

    it('associates, refuses a second floating IP on the fixed IP, guards the interface, and disassociates', async () => {
      const rid = router.id as string;
      await api.call('PUT', `/routers/${rid}/add_router_interface`, alice.token, { subnet_id: subnet.id });
      const port = await api.create(alice.token, 'port', { network_id: net.id });
      const fixed = (port.fixed_ips as Json[])[0]!.ip_address;
      const fip = await api.create(alice.token, 'floatingip', {
        floating_network_id: pub.id,
        port_id: port.id,
      });
      expect(fip).toMatchObject({
        port_id: port.id,
        fixed_ip_address: fixed,
        router_id: rid,
        status: 'ACTIVE',
      });

      const second = await api.create(alice.token, 'floatingip', { floating_network_id: pub.id });
      const dup = await api.call('PUT', `/floatingips/${second.id as string}`, alice.token, {
        floatingip: { port_id: port.id },
      });
      expect(await fault(dup, 409)).toEqual({
        type: 'FloatingIPPortAlreadyAssociated',
        message: `Cannot associate floating IP ${second.floating_ip_address as string} (${second.id as string}) with port ${port.id as string} using fixed IP ${fixed as string}, as that fixed IP already has a floating IP on external network ${pub.id as string}.`,
        detail: '',
      });
      expect(await show(second.id as string)).toEqual(second);

      const remove = await api.call('PUT', `/routers/${rid}/remove_router_interface`, alice.token, {
        subnet_id: subnet.id,
      });
      expect(await fault(remove, 409)).toEqual({
        type: 'RouterInterfaceInUseByFloatingIP',
        message: `Router interface for subnet ${subnet.id as string} on router ${rid} cannot be deleted, as it is required by one or more floating IPs.`,
        detail: '',
      });
      const gw = await api.call('PUT', `/routers/${rid}`, alice.token, {
        router: { external_gateway_info: {} },
      });
      expect(await fault(gw, 409)).toMatchObject({ type: 'RouterExternalGatewayInUseByFloatingIp' });
      expect(
        (await api.call('GET', `/routers/${rid}`, alice.token)).json().router.external_gateway_info,
      ).not.toBeNull();

      const off = await api.call('PUT', `/floatingips/${fip.id as string}`, alice.token, {
        floatingip: { port_id: null },
      });
      expect(off.json().floatingip).toMatchObject({
        port_id: null,
        fixed_ip_address: null,
        router_id: null,
        status: 'DOWN',
        revision_number: 2,
      });
      const on = await api.call('PUT', `/floatingips/${second.id as string}`, alice.token, {
        floatingip: { port_id: port.id, fixed_ip_address: fixed },
      });
      expect(on.json().floatingip).toMatchObject({ port_id: port.id, router_id: rid });
      const url = `/floatingips/${second.id as string}`;
      const described = await api.call('PUT', url, alice.token, { floatingip: { description: 'd' } });
      expect(described.json().floatingip).toMatchObject({ port_id: port.id, description: 'd' });
      // An empty body disassociates, as before floating IPs had other attributes.
      const blank = await api.call('PUT', url, alice.token, { floatingip: {} });
      expect(blank.json().floatingip).toMatchObject({
        port_id: null,
        fixed_ip_address: null,
        status: 'DOWN',
      });
      await api.call('PUT', url, alice.token, { floatingip: { port_id: port.id } });
      // Deleting the port takes the association with it.
      expect((await api.call('DELETE', `/ports/${port.id as string}`, alice.token)).statusCode).toBe(204);
      expect(await show(second.id as string)).toMatchObject({ port_id: null, status: 'DOWN' });
      for (const f of [fip, second]) await api.call('DELETE', `/floatingips/${f.id as string}`, alice.token);
      const removed = await api.call('PUT', `/routers/${rid}/remove_router_interface`, alice.token, {
        subnet_id: subnet.id,
      });
      expect(removed.statusCode).toBe(200);
    });

    it('refuses bad input as Neutron does', async () => {
      const notExt = await api.call('POST', '/floatingips', alice.token, {
        floatingip: { floating_network_id: net.id },
      });
      expect((await fault(notExt, 400)).message).toBe(
        `Bad floatingip request: Network ${net.id as string} is not a valid external network.`,
      );
      const missing = await api.call('POST', '/floatingips', alice.token, { floatingip: {} });
      expect((await fault(missing, 400)).message).toBe(
        "Failed to parse request. Required attribute 'floating_network_id' not specified",
      );
      const address = await api.call('POST', '/floatingips', alice.token, {
        floatingip: { floating_network_id: pub.id, floating_ip_address: '172.24.4.77' },
      });
      expect((await fault(address, 403)).type).toBe('PolicyNotAuthorized');
      const noPort = await api.call('POST', '/floatingips', alice.token, {
        floatingip: { floating_network_id: pub.id, fixed_ip_address: '10.0.0.9' },
      });
      expect((await fault(noPort, 400)).message).toBe(
        'Bad floatingip request: fixed_ip_address cannot be specified without a port_id.',
      );
      expect((await api.call('GET', '/floatingips', alice.token)).json().floatingips).toEqual([]);
      const chosen = await api.create(admin, 'floatingip', {
        floating_network_id: pub.id,
        floating_ip_address: '172.24.4.77',
        project_id: alice.projectId,
      });
      expect(chosen.floating_ip_address).toBe('172.24.4.77');
      const taken = await api.call('POST', '/floatingips', admin, {
        floatingip: { floating_network_id: pub.id, floating_ip_address: '172.24.4.77' },
      });
      expect((await fault(taken, 409)).type).toBe('IpAddressAlreadyAllocated');
    });

    it("hides another project's floating IPs (404) and enforces the floatingip quota", async () => {
      const fip = (await api.call('GET', '/floatingips', alice.token)).json().floatingips[0] as Json;
      const id = fip.id as string;
      expect(await fault(await api.call('GET', `/floatingips/${id}`, bob.token), 404)).toEqual({
        type: 'FloatingIPNotFound',
        message: `Floating IP ${id} could not be found`,
        detail: '',
      });
      expect((await api.call('DELETE', `/floatingips/${id}`, bob.token)).statusCode).toBe(404);
      expect((await api.call('GET', '/floatingips', bob.token)).json().floatingips).toEqual([]);
      const quota = (await api.call('GET', `/quotas/${bob.projectId}`, bob.token)).json().quota;
      expect(quota).toMatchObject({ router: 10, floatingip: 50 });
      await api.call('PUT', `/quotas/${bob.projectId}`, admin, { quota: { floatingip: 1 } });
      await api.create(bob.token, 'floatingip', { floating_network_id: pub.id });
      const over = await api.call('POST', '/floatingips', bob.token, {
        floatingip: { floating_network_id: pub.id },
      });
      expect(await fault(over, 409)).toEqual({
        type: 'OverQuota',
        message: "Quota exceeded for resources: ['floatingip'].",
        detail: '',
      });
      const ports = (await api.call('GET', `/ports?network_id=${pub.id as string}`, admin)).json()
        .ports as Json[];
      expect(ports.filter((p) => p.device_owner === 'network:floatingip')).toHaveLength(2);
    });
    it('gives a fixed IP one floating IP also under concurrent associations', async () => {
      const rid = router.id as string;
      await api.call('PUT', `/routers/${rid}/add_router_interface`, alice.token, { subnet_id: subnet.id });
      const port = await api.create(alice.token, 'port', { network_id: net.id });
      const fips = await Promise.all(
        [1, 2, 3].map(() => api.create(alice.token, 'floatingip', { floating_network_id: pub.id })),
      );
      const results = await Promise.all(
        fips.map((f) =>
          api.call('PUT', `/floatingips/${f.id as string}`, alice.token, {
            floatingip: { port_id: port.id },
          }),
        ),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
      const listed = (await api.call('GET', `/floatingips?port_id=${port.id as string}`, alice.token)).json()
        .floatingips as Json[];
      expect(listed).toHaveLength(1);
    });
  });
}
