import type { LightMyRequestResponse } from 'fastify';
import type { TestCloud } from '../../support/test-cloud.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A placement caller bound to a token and a default microversion. */
export interface PlacementCaller {
  (method: Method, url: string, body?: unknown, version?: string): Promise<LightMyRequestResponse>;
}

export function placementCaller(
  t: TestCloud,
  token: () => string,
  defaultVersion = 'latest',
): PlacementCaller {
  return (method, url, body, version = defaultVersion) =>
    t.request({
      method,
      url: `/placement${url}`,
      token: token(),
      headers: { 'openstack-api-version': `placement ${version}` },
      ...(body !== undefined && { payload: body as object }),
    });
}

/** Creates a provider with inventories at the latest microversion and returns its uuid. */
export async function makeProvider(
  call: PlacementCaller,
  name: string,
  inventories: Record<string, Record<string, number>> = {},
  parent?: string,
): Promise<string> {
  const res = await call('POST', '/resource_providers', {
    name,
    ...(parent && { parent_provider_uuid: parent }),
  });
  if (res.statusCode !== 200) throw new Error(`create ${name}: ${res.statusCode} ${res.body}`);
  const rp = res.json() as { uuid: string; generation: number };
  if (Object.keys(inventories).length > 0) {
    const inv = await call('PUT', `/resource_providers/${rp.uuid}/inventories`, {
      resource_provider_generation: rp.generation,
      inventories,
    });
    if (inv.statusCode !== 200) throw new Error(`inventory ${name}: ${inv.statusCode} ${inv.body}`);
  }
  return rp.uuid;
}
