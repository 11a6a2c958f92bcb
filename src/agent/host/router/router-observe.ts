import { ipIn } from '../netns.js';

/** What `ip -j` shows of the links, addresses and routes in the router's namespace. */
export interface ObservedLink {
  readonly name: string;
  readonly addresses: ReadonlyArray<string>;
}

export interface ObservedRoute {
  readonly destination: string;
  readonly via: string | undefined;
  readonly protocol: string | undefined;
}

export interface ObservedRouter {
  readonly links: ReadonlyArray<ObservedLink>;
  readonly routes: ReadonlyArray<ObservedRoute>;
}

interface IpAddrJson {
  ifname: string;
  addr_info?: Array<{ family: string; local: string; prefixlen: number; scope: string }>;
}

interface IpRouteJson {
  dst: string;
  gateway?: string;
  protocol?: string;
}

/** Links with their global addresses (IPv6 link-local ones are the kernel's, never ours). */
export function parseAddresses(json: string): ObservedLink[] {
  return (JSON.parse(json || '[]') as IpAddrJson[]).map((l) => ({
    name: l.ifname,
    addresses: (l.addr_info ?? [])
      .filter((a) => a.scope === 'global')
      .map((a) => `${a.local}/${a.prefixlen}`),
  }));
}

export function parseRoutes(json: string): ObservedRoute[] {
  return (JSON.parse(json || '[]') as IpRouteJson[]).map((r) => ({
    destination: r.dst,
    via: r.gateway,
    protocol: r.protocol,
  }));
}

/** Reads the namespace's links, addresses and main-table routes of both families. */
export async function observeRouter(netns: string): Promise<ObservedRouter> {
  const [addrs, v4, v6] = await Promise.all([
    ipIn(netns, ['-j', 'address', 'show']),
    ipIn(netns, ['-j', '-4', 'route', 'show', 'table', 'main']),
    ipIn(netns, ['-j', '-6', 'route', 'show', 'table', 'main']),
  ]);
  return {
    links: parseAddresses(addrs.stdout),
    routes: [...parseRoutes(v4.stdout), ...parseRoutes(v6.stdout)],
  };
}
