import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';
import { createPersonas } from '../compute/compute-api-fixtures.js';
import { networkClient } from './network-fixtures.js';

type Json = Record<string, unknown>;

/** One RBAC'd object type: how the owner makes one, and how another project depends on it. */
interface Kind {
  readonly type: string;
  readonly path: string;
  readonly key: string;
  create(owner: string): Promise<string>;
  /** The other project's use of the object (a port, pool, subnet or rule); returns the response. */
  use(other: string, id: string): Promise<LightMyRequestResponse>;
  /** Undoes the use, given its created body. */
  release(other: string, used: Json): Promise<void>;
}

for (const dialect of testDialects()) {
  describe(`${dialect}: RBAC policies on security groups, address scopes, subnet pools, address groups`, () => {
    let t: TestCloud;
    let p: Personas;
    let otherNet: string;
    const api = () => networkClient(t);
    const post = async (token: string, path: string, key: string, body: Json) => {
      const res = await api().call('POST', path, token, { [key]: body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json()[key] as Json;
    };
    const del = async (token: string, path: string) =>
      expect((await api().call('DELETE', path, token)).statusCode).toBe(204);

    const kinds: Kind[] = [
      {
        type: 'security_group',
        path: '/security-groups',
        key: 'security_group',
        create: async (o) =>
          (await post(o, '/security-groups', 'security_group', { name: 'shared-sg' }))['id'] as string,
        use: (o, id) =>
          api().call('POST', '/ports', o, { port: { network_id: otherNet, security_groups: [id] } }),
        release: (o, used) => del(o, `/ports/${(used['port'] as Json)['id'] as string}`),
      },
      {
        type: 'address_scope',
        path: '/address-scopes',
        key: 'address_scope',
        create: async (o) =>
          (await post(o, '/address-scopes', 'address_scope', { name: 'scope', ip_version: 4 }))[
            'id'
          ] as string,
        use: (o, id) =>
          api().call('POST', '/subnetpools', o, {
            subnetpool: { name: 'in-scope', prefixes: ['10.50.0.0/16'], address_scope_id: id },
          }),
        release: (o, used) => del(o, `/subnetpools/${(used['subnetpool'] as Json)['id'] as string}`),
      },
      {
        type: 'subnetpool',
        path: '/subnetpools',
        key: 'subnetpool',
        create: async (o) =>
          (await post(o, '/subnetpools', 'subnetpool', { name: 'pool', prefixes: ['10.60.0.0/16'] }))[
            'id'
          ] as string,
        use: (o, id) =>
          api().call('POST', '/subnets', o, {
            subnet: { network_id: otherNet, ip_version: 4, subnetpool_id: id, prefixlen: 24 },
          }),
        release: (o, used) => del(o, `/subnets/${(used['subnet'] as Json)['id'] as string}`),
      },
      {
        type: 'address_group',
        path: '/address-groups',
        key: 'address_group',
        create: async (o) =>
          (await post(o, '/address-groups', 'address_group', { name: 'ag', addresses: ['198.51.100.0/24'] }))[
            'id'
          ] as string,
        use: async (o, id) => {
          const sg = await post(o, '/security-groups', 'security_group', { name: `uses-${id}` });
          return api().call('POST', '/security-group-rules', o, {
            security_group_rule: {
              security_group_id: sg['id'],
              direction: 'ingress',
              remote_address_group_id: id,
            },
          });
        },
        release: (o, used) =>
          del(o, `/security-group-rules/${(used['security_group_rule'] as Json)['id'] as string}`),
      },
    ];

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      otherNet = (await api().create(p.other, 'network', { name: 'theirs' }))['id'] as string;
    });
    afterAll(async () => t?.close());

    it('advertises each object type as its extension', async () => {
      const res = await api().call('GET', '/extensions', p.member);
      const aliases = (res.json().extensions as Json[]).map((e) => e['alias']);
      for (const a of ['rbac-security-groups', 'rbac-address-scope', 'rbac-subnetpool', 'rbac-address-group'])
        expect(aliases).toContain(a);
    });

    for (const k of kinds)
      it(`${k.type}: 404 without a policy, visible and usable with it, 409 while used, 404 after`, async () => {
        const id = await k.create(p.member);
        const show = () => api().call('GET', `${k.path}/${id}`, p.other);
        const listed = async () =>
          ((await api().call('GET', k.path, p.other)).json()[`${k.key}s`] as Json[]).map((o) => o['id']);
        expect((await show()).statusCode).toBe(404);
        expect(await listed()).not.toContain(id);
        expect((await k.use(p.other, id)).statusCode).toBe(404);

        const res = await api().call('POST', '/rbac-policies', p.member, {
          rbac_policy: {
            object_type: k.type,
            object_id: id,
            action: 'access_as_shared',
            target_tenant: p.otherProjectId,
          },
        });
        expect(res.statusCode, res.body).toBe(201);
        const policy = res.json().rbac_policy as Json;
        expect(policy).toMatchObject({ object_type: k.type, object_id: id, target_tenant: p.otherProjectId });
        const shown = await api().call('GET', `/rbac-policies/${policy['id'] as string}`, p.member);
        expect(shown.json().rbac_policy).toEqual(policy);
        const mine = (await api().call('GET', `/rbac-policies?object_type=${k.type}`, p.member)).json()
          .rbac_policies as Json[];
        expect(mine.map((r) => r['id'])).toEqual([policy['id']]);
        // The target does not see the owner's policy.
        expect(
          (await api().call('GET', `/rbac-policies/${policy['id'] as string}`, p.other)).statusCode,
        ).toBe(404);

        expect((await show()).statusCode).toBe(200);
        expect(await listed()).toContain(id);
        const used = await k.use(p.other, id);
        expect(used.statusCode, used.body).toBe(201);

        const inUse = await api().call('DELETE', `/rbac-policies/${policy['id'] as string}`, p.member);
        expect(inUse.statusCode).toBe(409);
        expect(inUse.json().NeutronError).toMatchObject({
          type: 'RbacPolicyInUse',
          message: `RBAC policy on object ${id} cannot be removed because other objects depend on it.\nDetails: project_id=${p.otherProjectId}`,
        });
        // Retargeting takes access away just the same; widening to everyone does not.
        const retarget = await api().call('PUT', `/rbac-policies/${policy['id'] as string}`, p.member, {
          rbac_policy: { target_tenant: 'someone-else' },
        });
        expect(retarget.statusCode).toBe(409);
        expect((await show()).statusCode).toBe(200);

        await k.release(p.other, used.json() as Json);
        await del(p.member, `/rbac-policies/${policy['id'] as string}`);
        expect((await show()).statusCode).toBe(404);
        expect(await listed()).not.toContain(id);
        expect((await k.use(p.other, id)).statusCode).toBe(404);
      });

    it('refuses actions a type lacks, and policies on objects of others', async () => {
      const sg = await kinds[0]!.create(p.member);
      const external = await api().call('POST', '/rbac-policies', p.member, {
        rbac_policy: {
          object_type: 'security_group',
          object_id: sg,
          action: 'access_as_external',
          target_tenant: '*',
        },
      });
      expect(external.statusCode).toBe(400);
      expect(external.json().NeutronError.message).toBe(
        "Invalid action 'access_as_external' for object type 'security_group'. Valid actions: ['access_as_shared']",
      );
      const foreign = await api().call('POST', '/rbac-policies', p.other, {
        rbac_policy: {
          object_type: 'security_group',
          object_id: sg,
          action: 'access_as_shared',
          target_tenant: p.projectId,
        },
      });
      expect(foreign.statusCode).toBe(400);
      expect(foreign.json().NeutronError.message).toBe(
        'Invalid input for operation: Only admins can manipulate policies on objects they do not own.',
      );
      const none = (await api().call('GET', '/rbac-policies?object_type=security_group', p.member)).json();
      expect(none.rbac_policies.filter((r: Json) => r['object_id'] === sg)).toEqual([]);
    });

    it("maps an address scope's shared=True to a wildcard policy; deleting the object drops its policies", async () => {
      const scope = await post(p.admin, '/address-scopes', 'address_scope', {
        name: 'everyone',
        ip_version: 4,
        shared: true,
      });
      const policies = (
        await api().call('GET', `/rbac-policies?object_id=${scope['id'] as string}`, p.admin)
      ).json().rbac_policies as Json[];
      expect(policies).toEqual([
        expect.objectContaining({
          object_type: 'address_scope',
          action: 'access_as_shared',
          target_tenant: '*',
        }),
      ]);
      expect((await api().call('GET', `/address-scopes/${scope['id'] as string}`, p.other)).statusCode).toBe(
        200,
      );
      // Creating shared needs an admin (create_address_scope:shared). Removing the wildcard unshares it.
      await del(p.admin, `/rbac-policies/${policies[0]!['id'] as string}`);
      const owned = await api().call('GET', `/address-scopes/${scope['id'] as string}`, p.admin);
      expect(owned.json().address_scope.shared).toBe(false);
      expect((await api().call('GET', `/address-scopes/${scope['id'] as string}`, p.other)).statusCode).toBe(
        404,
      );

      const ag = await kinds[3]!.create(p.member);
      await api().call('POST', '/rbac-policies', p.member, {
        rbac_policy: {
          object_type: 'address_group',
          object_id: ag,
          action: 'access_as_shared',
          target_tenant: '*',
        },
      });
      await del(p.member, `/address-groups/${ag}`);
      const left = (await api().call('GET', `/rbac-policies?object_id=${ag}`, p.member)).json().rbac_policies;
      expect(left).toEqual([]);
    });
  });
}
