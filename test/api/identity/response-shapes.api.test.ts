import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

// Bodies that differed from Keystone's (issue 15); strict responses also check every field.
describe('identity response shapes', () => {
  let t: TestCloud;
  let admin: string;
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.request({ method, url: `/identity/v3${url}`, token: admin, ...(payload !== undefined && { payload }) });
  const newRole = async (name: string) =>
    (await call('POST', '/roles', { role: { name } })).json().role as { id: string; description: unknown };

  beforeAll(async () => {
    t = await startTestCloud('sqlite');
    admin = await t.adminToken();
  });
  afterAll(async () => t?.close());

  it('shows a role created without a description with description null', async () => {
    const role = await newRole('no-description');
    expect(role.description).toBeNull();
    expect((await call('GET', `/roles/${role.id}`)).json().role.description).toBeNull();
  });

  it('links one implied role to itself, and leaves the inference list without links', async () => {
    const prior = await newRole('prior-shape');
    const implied = await newRole('implied-shape');
    const url = `/roles/${prior.id}/implies/${implied.id}`;
    const created = await call('PUT', url);
    expect(created.statusCode).toBe(201);
    expect(created.json().links).toEqual({ self: `http://localhost:80/identity/v3${url}` });
    expect((await call('GET', url)).json().links).toEqual({ self: `http://localhost:80/identity/v3${url}` });
    const list = await call('GET', '/role_inferences');
    expect(list.statusCode).toBe(200);
    expect(Object.keys(list.json())).toEqual(['role_inferences']);
  });

  it('links the auth catalog and system scopes to themselves only', async () => {
    for (const path of ['/auth/catalog', '/auth/system']) {
      const res = await call('GET', path);
      expect(res.statusCode).toBe(200);
      expect(res.json().links).toEqual({ self: `http://localhost:80/identity/v3${path}` });
    }
  });
});
