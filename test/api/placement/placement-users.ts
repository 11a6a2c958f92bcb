import type { TestCloud } from '../../support/test-cloud.js';

/** A user with only `role` on the admin project, returning a project-scoped token. */
export async function tokenWithRole(
  t: TestCloud,
  admin: string,
  user: string,
  role: string,
): Promise<string> {
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.request({ method, url: `/identity/v3${url}`, token: admin, ...(payload && { payload }) });
  let roleId = (await call('GET', `/roles?name=${role}`)).json().roles[0]?.id as string | undefined;
  roleId ??= (await call('POST', '/roles', { role: { name: role } })).json().role.id as string;
  const project = (await call('GET', '/projects?name=admin')).json().projects[0].id as string;
  const userId = (await call('POST', '/users', { user: { name: user, password: 'pw' } })).json().user
    .id as string;
  const grant = await call('PUT', `/projects/${project}/users/${userId}/roles/${roleId}`);
  if (grant.statusCode !== 204) throw new Error(`grant ${role}: ${grant.statusCode} ${grant.body}`);
  return t.token(user, 'pw', { project: { id: project } });
}
