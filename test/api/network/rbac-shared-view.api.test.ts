import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';
import { createPersonas } from '../compute/compute-api-fixtures.js';
import { networkClient } from './network-fixtures.js';

type Json = Record<string, unknown>;

for (const dialect of testDialects()) {
  describe(`${dialect}: \`shared\` of RBAC'd objects as the caller sees it; sharing pools in a scope`, () => {
    let t: TestCloud;
    let p: Personas;
    const api = () => networkClient(t);
    const share = (token: string, type: string, id: string, target: string) =>
      api().call('POST', '/rbac-policies', token, {
        rbac_policy: { object_type: type, object_id: id, action: 'access_as_shared', target_tenant: target },
      });
    const shareOk = async (token: string, type: string, id: string, target: string) => {
      const res = await share(token, type, id, target);
      expect(res.statusCode, res.body).toBe(201);
      return (res.json().rbac_policy as Json)['id'] as string;
    };
    const shown = async (token: string, path: string, key: string) => {
      const res = await api().call('GET', path, token);
      expect(res.statusCode, res.body).toBe(200);
      return res.json()[key] as Json;
    };
    const make = async (token: string, path: string, key: string, body: Json) => {
      const res = await api().call('POST', path, token, { [key]: body });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json()[key] as Json)['id'] as string;
    };
    const ids = async (token: string, path: string, key: string) =>
      ((await api().call('GET', path, token)).json()[key] as Json[]).map((o) => o['id']);

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
    });
    afterAll(async () => t?.close());

    it('security groups: `shared` is True for a project it is shared with, False for the owner; ?shared= filters', async () => {
      const aliases = ((await api().call('GET', '/extensions', p.member)).json().extensions as Json[]).map(
        (e) => e['alias'],
      );
      expect(aliases).toContain('security-groups-shared-filtering');
      // Read-only: RBAC policies share a group.
      const set = await api().call('POST', '/security-groups', p.member, {
        security_group: { name: 'set-shared', shared: true },
      });
      expect(set.statusCode).toBe(400);
      expect(set.json().NeutronError.message).toBe("Attribute 'shared' not allowed in POST");
      const sg = await make(p.member, '/security-groups', 'security_group', { name: 'to-share' });
      expect((await shown(p.member, `/security-groups/${sg}`, 'security_group'))['shared']).toBe(false);
      await shareOk(p.member, 'security_group', sg, p.otherProjectId);

      expect((await shown(p.member, `/security-groups/${sg}`, 'security_group'))['shared']).toBe(false);
      expect((await shown(p.other, `/security-groups/${sg}`, 'security_group'))['shared']).toBe(true);
      expect(await ids(p.other, '/security-groups?shared=true', 'security_groups')).toEqual([sg]);
      expect(await ids(p.other, '/security-groups?shared=false', 'security_groups')).not.toContain(sg);
      expect(await ids(p.member, '/security-groups?shared=false', 'security_groups')).toContain(sg);
      expect(await ids(p.member, '/security-groups?shared=true', 'security_groups')).toEqual([]);

      // Shared with everyone (an admin's to make), the owner reads True too.
      await shareOk(p.admin, 'security_group', sg, '*');
      expect((await shown(p.member, `/security-groups/${sg}`, 'security_group'))['shared']).toBe(true);
      expect(await ids(p.member, '/security-groups?shared=true', 'security_groups')).toEqual([sg]);
    });

    for (const kind of [
      { type: 'subnetpool', path: '/subnetpools', key: 'subnetpool', body: { prefixes: ['10.90.0.0/16'] } },
      { type: 'address_scope', path: '/address-scopes', key: 'address_scope', body: { ip_version: 4 } },
    ])
      it(`${kind.type}: shared with one project reads True to it and False to the owner`, async () => {
        const id = await make(p.member, kind.path, kind.key, { name: 'one-project', ...kind.body });
        await shareOk(p.member, kind.type, id, p.otherProjectId);
        const one = `${kind.path}/${id}`;
        expect((await shown(p.member, one, kind.key))['shared']).toBe(false);
        expect((await shown(p.other, one, kind.key))['shared']).toBe(true);
        // An admin reads it as its own project does: not shared with it.
        expect((await shown(p.admin, one, kind.key))['shared']).toBe(false);
        expect(await ids(p.other, `${kind.path}?shared=true`, `${kind.key}s`)).toContain(id);
        expect(await ids(p.other, `${kind.path}?shared=false`, `${kind.key}s`)).not.toContain(id);
        expect(await ids(p.member, `${kind.path}?shared=false`, `${kind.key}s`)).toContain(id);

        await shareOk(p.admin, kind.type, id, p.adminProjectId);
        expect((await shown(p.admin, one, kind.key))['shared']).toBe(true);
        expect((await shown(p.member, one, kind.key))['shared']).toBe(false);
      });

    it('refuses sharing a subnet pool with a project (or everyone) its address scope is not shared with', async () => {
      const scope = await make(p.admin, '/address-scopes', 'address_scope', {
        name: 'admins',
        ip_version: 4,
      });
      await shareOk(p.admin, 'address_scope', scope, p.projectId);
      const pool = await make(p.member, '/subnetpools', 'subnetpool', {
        name: 'in-admin-scope',
        prefixes: ['10.91.0.0/16'],
        address_scope_id: scope,
      });

      const message = `Invalid input for operation: Failed to create RBAC policy on object ${pool} because target project doesn't have access to associated address scope..`;
      const refused = await share(p.member, 'subnetpool', pool, p.otherProjectId);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().NeutronError).toEqual({ type: 'InvalidInput', message, detail: '' });
      // Everyone is refused too (an admin's to ask: a member may not share with '*' at all).
      const everyone = await share(p.admin, 'subnetpool', pool, '*');
      expect(everyone.statusCode).toBe(400);
      expect(everyone.json().NeutronError).toEqual({ type: 'InvalidInput', message, detail: '' });
      // As Neutron counts only the scope's policies the caller may read, the admin's policy
      // sharing the scope with the target does not count for the pool's owner; it does for an admin.
      await shareOk(p.admin, 'address_scope', scope, p.otherProjectId);
      expect((await share(p.member, 'subnetpool', pool, p.otherProjectId)).statusCode).toBe(400);
      expect(await ids(p.member, `/rbac-policies?object_id=${pool}`, 'rbac_policies')).toEqual([]);
      await shareOk(p.admin, 'subnetpool', pool, p.otherProjectId);
      expect((await share(p.admin, 'subnetpool', pool, '*')).statusCode).toBe(400);

      // shared=True is a wildcard policy, checked the same way.
      const sharedPool = await api().call('POST', '/subnetpools', p.admin, {
        subnetpool: {
          name: 'shared-in-scope',
          prefixes: ['10.92.0.0/16'],
          address_scope_id: scope,
          shared: true,
        },
      });
      expect(sharedPool.statusCode).toBe(400);
      expect(await ids(p.admin, '/subnetpools?name=shared-in-scope', 'subnetpools')).toEqual([]);
      await shareOk(p.admin, 'address_scope', scope, '*');
      const nowShared = await api().call('POST', '/subnetpools', p.admin, {
        subnetpool: {
          name: 'shared-in-scope',
          prefixes: ['10.92.0.0/16'],
          address_scope_id: scope,
          shared: true,
        },
      });
      expect(nowShared.statusCode, nowShared.body).toBe(201);
    });
  });
}
