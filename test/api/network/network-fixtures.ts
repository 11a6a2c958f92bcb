import type { LightMyRequestResponse } from 'fastify';
import type { TestCloud } from '../../support/test-cloud.js';

/** Requests against the network API at /network/v2.0. */
export function networkClient(t: TestCloud) {
  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    token: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse> =>
    t.request({
      method,
      url: `/network/v2.0${url}`,
      token,
      ...(payload !== undefined && { payload: payload as object }),
    });
  const create = async (
    token: string,
    kind: 'network' | 'subnet' | 'port' | 'router' | 'floatingip',
    body: Record<string, unknown>,
  ) => {
    const res = await call('POST', `/${kind}s`, token, { [kind]: body });
    if (res.statusCode !== 201) throw new Error(`${kind} create: ${res.statusCode} ${res.body}`);
    return res.json()[kind] as Record<string, unknown>;
  };
  return { call, create };
}
