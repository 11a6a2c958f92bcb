import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';
import { createPersonas } from '../compute/compute-api-fixtures.js';
import type { ProjectUser } from '../image/image-fixtures.js';
import { projectUser } from '../image/image-fixtures.js';
import { networkClient } from './network-fixtures.js';

for (const dialect of testDialects()) {
  describe(`${dialect}: network RBAC policies`, () => {
    let t: TestCloud;
    let p: Personas;
    let third: ProjectUser;
    let net: string;
    let subnet: string;
    const api = () => networkClient(t);
    const policy = (token: string, body: Record<string, unknown>) =>
      api().call('POST', '/rbac-policies', token, { rbac_policy: body });

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      third = await projectUser(t, p.admin, 'rbac-third');
      net = (await api().create(p.member, 'network', { name: 'owned' }))['id'] as string;
      subnet = (
        await api().create(p.member, 'subnet', { network_id: net, cidr: '10.9.0.0/24', ip_version: 4 })
      )['id'] as string;
    });
    afterAll(async () => t?.close());

    it('shares a network with one project: visible and usable there, 404 elsewhere', async () => {
      expect((await api().call('GET', `/networks/${net}`, p.other)).statusCode).toBe(404);
      const hidden = await api().call('POST', '/ports', p.other, { port: { network_id: net } });
      expect(hidden.statusCode).toBe(404);
      expect(hidden.json().NeutronError.type).toBe('NetworkNotFound');

      const res = await policy(p.member, {
        object_type: 'network',
        object_id: net,
        action: 'access_as_shared',
        target_tenant: p.otherProjectId,
      });
      expect(res.statusCode, res.body).toBe(201);
      const created = res.json().rbac_policy;
      expect(Object.keys(created).sort()).toEqual(
        ['action', 'id', 'object_id', 'object_type', 'project_id', 'target_tenant', 'tenant_id'].sort(),
      );
      expect(created).toMatchObject({ project_id: p.projectId, target_tenant: p.otherProjectId });

      const seen = (await api().call('GET', `/networks/${net}`, p.other)).json().network;
      expect(seen).toMatchObject({ id: net, shared: true, subnets: [subnet] });
      // The owner still reads shared False: no wildcard policy.
      expect((await api().call('GET', `/networks/${net}`, p.member)).json().network.shared).toBe(false);
      const listed = (await api().call('GET', '/networks', p.other)).json().networks as { id: string }[];
      expect(listed.map((n) => n.id)).toContain(net);
      const sharedOnly = (await api().call('GET', '/networks?shared=true', p.other)).json().networks;
      expect(sharedOnly.map((n: { id: string }) => n.id)).toContain(net);
      expect((await api().call('GET', `/subnets/${subnet}`, p.other)).statusCode).toBe(200);
      const subnets = (await api().call('GET', '/subnets', p.other)).json().subnets as { id: string }[];
      expect(subnets.map((s) => s.id)).toContain(subnet);

      // Not the third project, and the other project does not see the owner's policy.
      expect((await api().call('GET', `/networks/${net}`, third.token)).statusCode).toBe(404);
      const thirdList = (await api().call('GET', '/networks', third.token)).json().networks as {
        id: string;
      }[];
      expect(thirdList.map((n) => n.id)).not.toContain(net);
      expect((await api().call('GET', `/subnets/${subnet}`, third.token)).statusCode).toBe(404);
      expect((await api().call('GET', `/rbac-policies/${created.id}`, p.other)).statusCode).toBe(404);

      const port = await api().call('POST', '/ports', p.other, { port: { network_id: net } });
      expect(port.statusCode, port.body).toBe(201);

      // In use: the other project's port keeps the policy (RbacPolicyInUse), nothing changes.
      const refused = await api().call('DELETE', `/rbac-policies/${created.id}`, p.member);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().NeutronError.type).toBe('RbacPolicyInUse');
      expect(refused.json().NeutronError.message).toContain(`RBAC policy on object ${net} cannot be removed`);
      const retarget = await api().call('PUT', `/rbac-policies/${created.id}`, p.member, {
        rbac_policy: { target_tenant: third.projectId },
      });
      expect(retarget.statusCode).toBe(409);
      expect(
        (await api().call('GET', `/rbac-policies/${created.id}`, p.member)).json().rbac_policy.target_tenant,
      ).toBe(p.otherProjectId);

      expect((await api().call('DELETE', `/ports/${port.json().port.id}`, p.other)).statusCode).toBe(204);
      expect((await api().call('DELETE', `/rbac-policies/${created.id}`, p.member)).statusCode).toBe(204);
      expect((await api().call('GET', `/networks/${net}`, p.other)).statusCode).toBe(404);
    });

    it("answers Neutron's faults and keeps the wildcard for admins", async () => {
      const dup = {
        object_type: 'network',
        object_id: net,
        action: 'access_as_shared',
        target_tenant: third.projectId,
      };
      expect((await policy(p.member, dup)).statusCode).toBe(201);
      const again = await policy(p.member, dup);
      expect(again.statusCode).toBe(409);
      expect(again.json().NeutronError).toEqual({
        type: 'DuplicateRbacPolicy',
        message: 'An RBAC policy already exists with those values.',
        detail: '',
      });
      const wildcard = await policy(p.member, { ...dup, target_tenant: '*' });
      expect(wildcard.statusCode).toBe(403);
      expect(wildcard.json().NeutronError.type).toBe('PolicyNotAuthorized');
      const badAction = await policy(p.member, { ...dup, action: 'access_as_owner' });
      expect(badAction.statusCode).toBe(400);
      expect(badAction.json().NeutronError.message).toBe(
        "Invalid action 'access_as_owner' for object type 'network'. Valid actions: ['access_as_external', 'access_as_shared']",
      );
      const badType = await policy(p.member, { ...dup, object_type: 'volume' });
      expect(badType.statusCode).toBe(400);
      // Neutron's RBAC callbacks fail as InvalidInput, an unseen network included.
      const notMine = await policy(p.other, { ...dup, target_tenant: p.otherProjectId });
      expect(notMine.statusCode).toBe(400);
      expect(notMine.json().NeutronError.type).toBe('InvalidInput');
      const missing = await api().call(
        'GET',
        '/rbac-policies/00000000-0000-4000-8000-000000000000',
        p.member,
      );
      expect(missing.statusCode).toBe(404);
      expect(missing.json().NeutronError.message).toBe(
        'RBAC policy of type unknown with ID 00000000-0000-4000-8000-000000000000 not found',
      );
    });

    it('maps shared=True to a wildcard policy and back', async () => {
      const pub = (await api().create(p.admin, 'network', { name: 'all', shared: true }))['id'] as string;
      const list = (await api().call('GET', `/rbac-policies?object_id=${pub}`, p.admin)).json().rbac_policies;
      expect(list).toMatchObject([{ object_id: pub, action: 'access_as_shared', target_tenant: '*' }]);
      expect((await api().call('GET', `/networks/${pub}`, third.token)).json().network.shared).toBe(true);
      const port = (await api().create(third.token, 'port', { network_id: pub }))['id'] as string;
      // The wildcard is in use by the third project's port.
      const del = await api().call('DELETE', `/rbac-policies/${list[0].id}`, p.admin);
      expect(del.statusCode).toBe(409);
      expect((await api().call('DELETE', `/ports/${port}`, third.token)).statusCode).toBe(204);
      const unshare = await api().call('PUT', `/networks/${pub}`, p.admin, { network: { shared: false } });
      expect(unshare.statusCode).toBe(200);
      expect(unshare.json().network.shared).toBe(false);
      expect(
        (await api().call('GET', `/rbac-policies?object_id=${pub}`, p.admin)).json().rbac_policies,
      ).toEqual([]);
      expect((await api().call('GET', `/networks/${pub}`, third.token)).statusCode).toBe(404);
      // A wildcard policy makes it shared again.
      const again = await policy(p.admin, {
        object_type: 'network',
        object_id: pub,
        action: 'access_as_shared',
        target_tenant: '*',
      });
      expect(again.statusCode).toBe(201);
      expect((await api().call('GET', `/networks/${pub}`, p.admin)).json().network.shared).toBe(true);
    });

    it('boots a server of the target project on the shared network', async () => {
      const flavor = await createFlavor(t, p.admin, { name: 'rbac', vcpus: 1, ram: 64, disk: 1 });
      const image = await createImage(t, p.admin, 'rbac-img');
      const boot = () =>
        t.request({
          method: 'POST',
          url: '/compute/v2.1/servers',
          token: p.other,
          headers: { 'openstack-api-version': 'compute 2.37' },
          payload: { server: { name: 'r1', imageRef: image, flavorRef: flavor, networks: [{ uuid: net }] } },
        });
      const before = await boot();
      expect(before.statusCode).toBe(400);
      expect(before.json().badRequest.message).toBe(`Network ${net} could not be found.`);
      await policy(p.member, {
        object_type: 'network',
        object_id: net,
        action: 'access_as_shared',
        target_tenant: p.otherProjectId,
      });
      const id = await bootServer(t, p.other, {
        name: 'r2',
        imageRef: image,
        flavorRef: flavor,
        networks: [{ uuid: net }],
      });
      const shown = await waitForServer(t, p.other, id, 'ACTIVE');
      expect(Object.keys(shown['addresses'] as object)).toEqual(['owned']);
    });
  });
}
