import type { HostRegistration } from '../../src/agent/transport/control-plane.js';
import type { TestCloud } from './test-cloud.js';

/** Small helpers for compute tests: a flavor, an uploaded image, and polling a server. */
export async function createFlavor(
  t: TestCloud,
  token: string,
  f: { name: string; vcpus: number; ram: number; disk: number; extraSpecs?: Record<string, string> },
): Promise<string> {
  const res = await t.request({
    method: 'POST',
    url: '/compute/v2.1/flavors',
    token,
    payload: { flavor: { name: f.name, vcpus: f.vcpus, ram: f.ram, disk: f.disk } },
  });
  if (res.statusCode !== 200) throw new Error(`flavor create: ${res.statusCode} ${res.body}`);
  const id = res.json().flavor.id as string;
  if (f.extraSpecs) {
    const spec = await t.request({
      method: 'POST',
      url: `/compute/v2.1/flavors/${id}/os-extra_specs`,
      token,
      payload: { extra_specs: f.extraSpecs },
    });
    if (spec.statusCode !== 200) throw new Error(`extra specs: ${spec.statusCode} ${spec.body}`);
  }
  return id;
}

export async function createImage(
  t: TestCloud,
  token: string,
  name: string,
  data = Buffer.from('tiny image'),
  formats = { disk_format: 'qcow2', container_format: 'bare' },
): Promise<string> {
  const res = await t.request({
    method: 'POST',
    url: '/image/v2/images',
    token,
    payload: { name, ...formats, visibility: 'public' },
  });
  if (res.statusCode !== 201) throw new Error(`image create: ${res.statusCode} ${res.body}`);
  const id = res.json().id as string;
  const up = await t.request({
    method: 'PUT',
    url: `/image/v2/images/${id}/file`,
    token,
    headers: { 'content-type': 'application/octet-stream' },
    payload: data,
  });
  if (up.statusCode !== 204) throw new Error(`image upload: ${up.statusCode} ${up.body}`);
  return id;
}

export async function serverStatus(
  t: TestCloud,
  token: string,
  id: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await t.request({ method: 'GET', url: `/compute/v2.1/servers/${id}`, token });
  return {
    status: res.statusCode,
    body: res.statusCode === 200 ? (res.json().server as Record<string, unknown>) : {},
  };
}

/** Polls until the server reaches `status` (or 404 for 'DELETED'); fails after `timeoutMs`. */
export async function waitForServer(
  t: TestCloud,
  token: string,
  id: string,
  status: string,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  let last: { status: number; body: Record<string, unknown> } = { status: 0, body: {} };
  while (Date.now() < until) {
    last = await serverStatus(t, token, id);
    if (status === 'DELETED' && last.status === 404) return {};
    if (last.body['status'] === status && last.body['OS-EXT-STS:task_state'] === null) return last.body;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`server ${id} did not reach ${status}: ${JSON.stringify(last)}`);
}

export async function bootServer(
  t: TestCloud,
  token: string,
  body: Record<string, unknown>,
): Promise<string> {
  const res = await t.request({
    method: 'POST',
    url: '/compute/v2.1/servers',
    token,
    payload: { server: body },
  });
  if (res.statusCode !== 202) throw new Error(`server create: ${res.statusCode} ${res.body}`);
  return res.json().server.id as string;
}

/** A host that registers and then runs no agent: nothing ever builds there. */
export function silentHost(hostname: string, availabilityZone = hostname): HostRegistration {
  return {
    hostname,
    driver: 'fake',
    availabilityZone,
    facts: {
      vcpus: 4,
      memoryMb: 4096,
      diskGb: 40,
      traits: ['CUSTOM_STRATA_FAKE', 'CUSTOM_STRATA_VM', 'COMPUTE_IMAGE_TYPE_QCOW2'],
      details: {},
    },
    reserved: { vcpus: 0, memoryMb: 0, diskGb: 0 },
  };
}
