import { ipIn } from '../../host/netns.js';
import { routerIfNameOf, routerNetnsOf } from '../../host/router/router-spec.js';
import type { RouterState } from '../../host/router/router-spec.js';
import type { HostNetworkState } from '../host-network-state.js';
import type { ServicePortStatus } from '../network-dataplane.js';

/** What the last pass saw of the host's network services. */
export interface ServicesObserved {
  /** DHCP ports whose dnsmasq is serving; undefined when the DHCP pass did not get that far. */
  readonly dhcpUp: ReadonlySet<string> | undefined;
  /** Names of router interfaces (`qr-…`, `qg-…`) that are up in their router's namespace. */
  readonly routerLinksUp: ReadonlySet<string>;
}

/**
 * Neutron's status of the network-owned ports bound to this host: ACTIVE once really wired
 * (dnsmasq serving on the DHCP port, the router's interface up in its namespace), DOWN
 * otherwise. A DHCP port is left out when the DHCP pass did not run to the end (nothing
 * was observed, so nothing is claimed). Pure.
 */
export function servicePortStatuses(state: HostNetworkState, seen: ServicesObserved): ServicePortStatus[] {
  const of = (portId: string, up: boolean): ServicePortStatus => ({ portId, status: up ? 'ACTIVE' : 'DOWN' });
  const dhcpUp = seen.dhcpUp;
  const dhcp =
    dhcpUp === undefined
      ? []
      : state.networks.flatMap((n) =>
          n.dhcp === undefined ? [] : [of(n.dhcp.portId, dhcpUp.has(n.dhcp.portId))],
        );
  const routers = (state.routers ?? []).flatMap((r) =>
    routerPorts(r).map((p) => of(p.portId, seen.routerLinksUp.has(routerIfNameOf(p.kind, p.portId)))),
  );
  return [...dhcp, ...routers];
}

function routerPorts(r: RouterState): Array<{ portId: string; kind: 'internal' | 'gateway' }> {
  return [
    ...(r.gateway === undefined ? [] : [{ portId: r.gateway.portId, kind: 'gateway' as const }]),
    ...r.interfaces.map((i) => ({ portId: i.portId, kind: 'internal' as const })),
  ];
}

interface IpLinkJson {
  ifname: string;
  flags?: string[];
}

/** Router interfaces that are administratively up with carrier, from `ip -j link show`. Pure. */
export function upRouterLinks(json: string): string[] {
  return (JSON.parse(json || '[]') as IpLinkJson[])
    .filter((l) => (l.flags ?? []).includes('UP') && (l.flags ?? []).includes('LOWER_UP'))
    .map((l) => l.ifname);
}

/** Reads the router interfaces that are up in the namespaces of these routers (a missing one has none). */
export async function observeRouterLinks(
  routerIds: ReadonlyArray<string>,
  namePrefix = '',
): Promise<Set<string>> {
  const up = new Set<string>();
  for (const id of routerIds) {
    const out = await ipIn(routerNetnsOf(id, namePrefix), ['-j', 'link', 'show']).catch(() => undefined);
    if (out !== undefined) for (const name of upRouterLinks(out.stdout)) up.add(name);
  }
  return up;
}
