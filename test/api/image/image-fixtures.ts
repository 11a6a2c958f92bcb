import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { ConfigInput } from '../../../src/common/config.js';
import type { TestDialect } from '../../../src/db/testing/dialects.js';
import type { ImageApi } from '../../../src/image/index.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

export const patchType = 'application/openstack-images-v2.1-json-patch';

/**
 * The test cloud with image settings (quotas) on top of the defaults. startTestCloud takes
 * no configuration, so this repeats its few steps; without overrides it is startTestCloud.
 */
export async function startImageCloud(dialect: TestDialect, overrides: ConfigInput = {}): Promise<TestCloud> {
  return startTestCloud(dialect, overrides);
}

/** Requests against the image API, JSON by default (as the SDK asks for it on most calls). */
export function imageClient(t: TestCloud) {
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    token: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> =>
    t.request({
      method,
      url: `/image${url}`,
      token,
      headers: { accept: 'application/json', ...headers },
      ...(payload !== undefined && { payload: payload as object }),
    });
  return {
    call,
    async create(token: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
      const res = await call('POST', '/v2/images', token, {
        disk_format: 'raw',
        container_format: 'bare',
        ...body,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    },
    show: (token: string, id: string) => call('GET', `/v2/images/${id}`, token),
    patch: (token: string, id: string, ops: unknown) =>
      call('PATCH', `/v2/images/${id}`, token, JSON.stringify(ops), { 'content-type': patchType }),
    upload: (token: string, id: string, data: Buffer, type = 'application/octet-stream') =>
      call('PUT', `/v2/images/${id}/file`, token, data, { 'content-type': type }),
    download: (token: string, id: string, headers: Record<string, string> = {}) =>
      call('GET', `/v2/images/${id}/file`, token, undefined, headers),
    async count(token: string): Promise<number> {
      const res = await call('GET', '/v2/images?limit=1000&visibility=all', token);
      return (res.json().images as unknown[]).length;
    },
  };
}

export interface ProjectUser {
  readonly projectId: string;
  readonly userId: string;
  readonly token: string;
}

/** A new project with a user holding `role` on it, and that user's project token. */
export async function projectUser(
  t: TestCloud,
  admin: string,
  name: string,
  role = 'member',
): Promise<ProjectUser> {
  const identity = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.request({ method, url: `/identity/v3${url}`, token: admin, ...(payload && { payload }) });
  const projectId = (await identity('POST', '/projects', { project: { name } })).json().project.id as string;
  const user = await identity('POST', '/users', { user: { name: `${name}-user`, password: `${name}-pw` } });
  const userId = user.json().user.id as string;
  const roleId = (await identity('GET', `/roles?name=${role}`)).json().roles[0].id as string;
  expect((await identity('PUT', `/projects/${projectId}/users/${userId}/roles/${roleId}`)).statusCode).toBe(
    204,
  );
  const token = await t.token(`${name}-user`, `${name}-pw`, { project: { id: projectId } });
  return { projectId, userId, token };
}

/** The image service's in-process API, as compute gets it from the composition root. */
export function imageApi(t: TestCloud): ImageApi {
  const plugin = t.cloud.services.find((s) => s.name === 'image') as unknown as { api: ImageApi };
  return plugin.api;
}

/** Polls until the image leaves `importing` (the import task runs in the background). */
export async function waitForStatus(t: TestCloud, token: string, id: string, until: string): Promise<string> {
  const client = imageClient(t);
  for (let i = 0; i < 100; i++) {
    const status = (await client.show(token, id)).json().status as string;
    if (status === until) return status;
    await new Promise((r) => setTimeout(r, 20));
  }
  return (await client.show(token, id)).json().status as string;
}
