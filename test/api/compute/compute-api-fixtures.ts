import { nextServiceNumber } from '../../../src/compute/hosts/host-store.js';
import type { LightMyRequestResponse } from 'fastify';
import { randomUUID } from 'node:crypto';
import { serverRow } from '../../../src/compute/testing/server-rows.js';
import { expect } from 'vitest';
import type { TestCloud } from '../../support/test-cloud.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The callers the compute transcripts use: an admin, a member and a reader of one project, a member of another. */
export interface Personas {
  readonly admin: string;
  readonly adminProjectId: string;
  readonly member: string;
  readonly memberUserId: string;
  readonly reader: string;
  readonly projectId: string;
  readonly other: string;
  readonly otherUserId: string;
  readonly otherProjectId: string;
}

/** Calls /compute/v2.1 with a token. */
export function computeCaller(t: TestCloud) {
  return (method: Method, url: string, token: string, payload?: object): Promise<LightMyRequestResponse> =>
    t.request({ method, url: `/compute/v2.1${url}`, token, ...(payload !== undefined && { payload }) });
}

/** Calls /compute/v2.1 with a token at a compute microversion. */
export function versionedComputeCaller(t: TestCloud) {
  return (version: string, method: Method, url: string, token: string, payload?: object) =>
    t.request({
      method,
      url: `/compute/v2.1${url}`,
      token,
      headers: { 'openstack-api-version': `compute ${version}` },
      ...(payload !== undefined && { payload }),
    });
}

const faultNames: Readonly<Record<number, string>> = {
  400: 'badRequest',
  403: 'forbidden',
  404: 'itemNotFound',
  409: 'conflictingRequest',
};

/** Asserts Nova's fault body `{"<name>": {"code": status, "message": ...}}`. */
export function expectFault(res: LightMyRequestResponse, status: number, message?: string | RegExp): void {
  expect(res.statusCode, res.body).toBe(status);
  const fault = res.json()[faultNames[status]!] as { code: number; message: string };
  expect(fault.code).toBe(status);
  if (typeof message === 'string') expect(fault.message).toBe(message);
  else if (message !== undefined) expect(fault.message).toMatch(message);
}

/** One refused request: label, persona, `METHOD /path`, body, and Nova's status and message. */
export type Refusal = readonly [
  label: string,
  as: keyof Personas,
  request: string,
  body: object | undefined,
  status: number,
  message: string | RegExp | undefined,
];

/** Sends a refusal row and asserts the fault. */
export async function expectRefusal(
  call: ReturnType<typeof computeCaller>,
  p: Personas,
  row: Refusal,
): Promise<void> {
  const [, as, request, body, status, message] = row;
  const [method, url] = request.split(' ') as [Method, string];
  expectFault(await call(method, url, p[as], body), status, message);
}

async function identity(t: TestCloud, admin: string, method: Method, url: string, payload?: object) {
  const res = await t.request({
    method,
    url: `/identity/v3${url}`,
    token: admin,
    ...(payload && { payload }),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.statusCode === 204 ? {} : res.json();
}

async function userWithRole(t: TestCloud, admin: string, projectId: string, name: string, role: string) {
  const user = (await identity(t, admin, 'POST', '/users', { user: { name, password: `${name}-pw` } })).user;
  const roleId = (await identity(t, admin, 'GET', `/roles?name=${role}`)).roles[0].id;
  await identity(t, admin, 'PUT', `/projects/${projectId}/users/${user.id}/roles/${roleId}`);
  return { id: user.id as string, token: await t.token(name, `${name}-pw`, { project: { id: projectId } }) };
}

/** Creates two projects and their users through the identity API. */
export async function createPersonas(t: TestCloud): Promise<Personas> {
  const admin = await t.adminToken();
  const adminProjectId = (await identity(t, admin, 'GET', '/projects?name=admin')).projects[0].id;
  const project = async (name: string) =>
    (await identity(t, admin, 'POST', '/projects', { project: { name } })).project.id as string;
  const projectId = await project('compute-own');
  const otherProjectId = await project('compute-other');
  const member = await userWithRole(t, admin, projectId, 'cara', 'member');
  const reader = await userWithRole(t, admin, projectId, 'rudi', 'reader');
  const other = await userWithRole(t, admin, otherProjectId, 'otto', 'member');
  return {
    admin,
    adminProjectId,
    member: member.token,
    memberUserId: member.id,
    reader: reader.token,
    projectId,
    other: other.token,
    otherUserId: other.id,
    otherProjectId,
  };
}

/** A live server row as the server service would write it, for usage counts. */
export async function insertServer(
  t: TestCloud,
  s: {
    projectId: string;
    userId?: string;
    vcpus: number;
    ram: number;
    disk?: number;
    host?: string;
    deleted?: boolean;
  },
): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  const row = serverRow({
    id,
    project_id: s.projectId,
    user_id: s.userId ?? 'someone',
    // What a booted server embeds (the view renders it, strictly checked).
    flavor: JSON.stringify({
      id: 'fixture',
      name: 'fixture',
      vcpus: s.vcpus,
      ram: s.ram,
      disk: s.disk ?? 1,
      ephemeral: 0,
      swap: 0,
      extraSpecs: {},
    }),
    vcpus: s.vcpus,
    memory_mb: s.ram,
    root_gb: s.disk ?? 1,
    image_id: randomUUID(),
    vm_state: 'active',
    task_state: null,
    power_state: 1,
    host: s.host ?? null,
    node: s.host ?? null,
    launched_at: now,
    created_at: now,
    deleted_at: s.deleted ? now : null,
  });
  await t.cloud.store.db.insertInto('servers').values(row).execute();
  return id;
}

/** A compute host row as `strata agent` registers it. */
export async function insertHost(
  t: TestCloud,
  h: { hostname: string; zone?: string; status?: 'enabled' | 'disabled'; heartbeat?: Date; facts?: object },
): Promise<string> {
  const id = randomUUID();
  await t.cloud.store.db
    .insertInto('compute_hosts')
    .values({
      id,
      service_number: nextServiceNumber,
      hostname: h.hostname,
      driver: 'fake',
      availability_zone: h.zone ?? 'nova',
      registered_zone: h.zone ?? 'nova',
      status: h.status ?? 'enabled',
      disabled_reason: null,
      forced_down: 0,
      last_heartbeat: (h.heartbeat ?? t.clock.now()).toISOString(),
      provider_id: randomUUID(),
      vcpus: 16,
      memory_mb: 32768,
      local_gb: 500,
      facts: JSON.stringify(h.facts ?? {}),
      created_at: new Date().toISOString(),
    })
    .execute();
  return id;
}

/** The integer id (before 2.53) Nova's APIs show for the host row `id`. */
export async function serviceNumberOf(t: TestCloud, id: string): Promise<number> {
  const row = await t.cloud.store.db
    .selectFrom('compute_hosts')
    .select('service_number')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.service_number;
}
