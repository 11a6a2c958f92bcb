import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ipIn } from '../../host/netns.js';

/** `physnet1:eth1,physnet2:eth2` (Neutron's physical_interface_mappings) as a map. */
export function parsePhysicalNetworks(text: string | ReadonlyArray<string>): Map<string, string> {
  const items = (typeof text === 'string' ? text.split(',') : text).map((t) => t.trim()).filter(Boolean);
  return new Map(
    items.map((item) => {
      const [name, iface, ...rest] = item.split(':');
      if (!name || !iface || rest.length > 0)
        throw new Error(`physical network '${item}' is not name:interface`);
      return [name, iface] as const;
    }),
  );
}

/**
 * The address this host sends from to reach `host` (a name or address): the route's
 * preferred source, which is what the other hosts see, hence a fit VXLAN endpoint.
 */
export async function sourceAddressTo(host: string, netns?: string): Promise<string | undefined> {
  const addr = isIP(host) !== 0 ? host : (await lookup(host)).address;
  const { stdout } = await ipIn(netns, ['-j', 'route', 'get', addr]);
  return (JSON.parse(stdout || '[]') as Array<{ prefsrc?: string }>)[0]?.prefsrc;
}
