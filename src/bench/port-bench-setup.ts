import { createTokenValidator } from '../identity/index.js';
import type { BenchCloud } from './bench-cloud.js';

/** A network with room for `ports` ports, made over the network API as an operator would. */
export interface PortSetup {
  /** http://127.0.0.1:<port>/network/v2.0 */
  readonly networkUrl: string;
  /** Admin token scoped to the admin project; clients reuse it as an SDK session does. */
  readonly token: string;
  readonly networkId: string;
}

/**
 * A network with a /12 subnet (a million addresses, so allocation never scans a nearly full
 * pool) and a port quota of twice `ports` on the admin project.
 */
export async function preparePortNetwork(c: BenchCloud, ports: number): Promise<PortSetup> {
  const token = await c.issueAdminToken();
  const auth = await createTokenValidator(c.cloud.identity).validate(token);
  if (auth.projectId === undefined) throw new Error('the admin token has no project scope');
  const networkUrl = `${c.publicUrl}/network/v2.0`;
  const headers = { 'x-auth-token': token };
  const net = await c.http.expect(201, {
    method: 'POST',
    url: `${networkUrl}/networks`,
    headers,
    json: { network: { name: 'bench-ports' } },
  });
  const networkId = (JSON.parse(net.body) as { network: { id: string } }).network.id;
  await c.http.expect(201, {
    method: 'POST',
    url: `${networkUrl}/subnets`,
    headers,
    json: { subnet: { network_id: networkId, cidr: '10.160.0.0/12', ip_version: 4 } },
  });
  await c.http.expect(200, {
    method: 'PUT',
    url: `${networkUrl}/quotas/${auth.projectId}`,
    headers,
    json: { quota: { port: ports * 2 } },
  });
  return { networkUrl, token, networkId };
}
