import { gatewayAddresses, gatewayPrefix, internalPrefix, routerIfNameOf } from './router-spec.js';
import type { RouterAddress, RouterInterfaceSpec, RouterSpec } from './router-spec.js';
import type { ObservedLink, ObservedRouter } from './router-observe.js';

/** An interface of the namespace as it should be: name, MAC, MTU and addresses. */
export interface PlannedInterface {
  readonly name: string;
  readonly port: RouterInterfaceSpec;
  readonly addresses: ReadonlyArray<RouterAddress>;
}

/** Every `qr-`/`qg-` interface the spec wants, the gateway first. */
export function plannedInterfaces(spec: RouterSpec): PlannedInterface[] {
  const gw = spec.gateway;
  return [
    ...(gw === undefined
      ? []
      : [{ name: routerIfNameOf('gateway', gw.portId), port: gw, addresses: gatewayAddresses(spec) }]),
    ...spec.interfaces.map((i) => ({
      name: routerIfNameOf('internal', i.portId),
      port: i,
      addresses: i.addresses,
    })),
  ];
}

/** Router interfaces in the namespace the spec no longer has (a removed interface or gateway). */
export function staleInterfaces(
  spec: RouterSpec,
  links: ReadonlyArray<Pick<ObservedLink, 'name'>>,
): string[] {
  const wanted = new Set(plannedInterfaces(spec).map((i) => i.name));
  return links
    .map((l) => l.name)
    .filter((n) => (n.startsWith(internalPrefix) || n.startsWith(gatewayPrefix)) && !wanted.has(n));
}

const cidr = (a: RouterAddress) => `${a.ip}/${a.prefixLength}`;

function addressLines(want: PlannedInterface, have: ReadonlyArray<string>): string[] {
  const desired = want.addresses.map(cidr);
  return [
    ...have.filter((a) => !desired.includes(a)).map((a) => `address del ${a} dev ${want.name}`),
    ...desired.filter((a) => !have.includes(a)).map((a) => `address add ${a} dev ${want.name}`),
  ];
}

/**
 * Routes: the default via the external subnet's gateway, and the extra routes, marked
 * `proto static` so the ones the spec dropped are found and removed (the kernel's own
 * connected routes are never touched).
 */
function routeLines(spec: RouterSpec, observed: ObservedRouter): string[] {
  const gw = spec.gateway;
  const nextHop = gw?.nextHop;
  const hasDefault = observed.routes.some((r) => r.destination === 'default' && !r.via?.includes(':'));
  const defaults =
    gw !== undefined && nextHop !== undefined
      ? [`route replace default via ${nextHop} dev ${routerIfNameOf('gateway', gw.portId)}`]
      : hasDefault
        ? ['route del default']
        : [];
  const wanted = spec.routes.map((r) => `${r.destination}|${r.nexthop}`);
  const stale = observed.routes
    .filter((r) => r.protocol === 'static' && !wanted.includes(`${r.destination}|${r.via ?? ''}`))
    .map((r) => `route del ${r.destination}${r.via === undefined ? '' : ` via ${r.via}`} proto static`);
  const extra = spec.routes.map((r) => `route replace ${r.destination} via ${r.nexthop} proto static`);
  return [...defaults, ...stale, ...extra];
}

/**
 * The `ip -batch` lines that bring the namespace from what is observed to the spec, once
 * every interface exists: links up with the port's MAC and MTU, addresses added and
 * removed, then routes (which need the addresses to reach their next hops).
 */
export function planRouterLines(spec: RouterSpec, observed: ObservedRouter): string[] {
  const have = new Map(observed.links.map((l) => [l.name, l.addresses]));
  const interfaces = plannedInterfaces(spec);
  return [
    'link set dev lo up',
    ...interfaces.map((i) => `link set dev ${i.name} address ${i.port.mac} mtu ${i.port.mtu} up`),
    ...interfaces.flatMap((i) => addressLines(i, have.get(i.name) ?? [])),
    ...routeLines(spec, observed),
  ];
}

/**
 * Floating IPs a gateway interface holds now (its /32s) that the spec no longer has: their
 * connections must go too, or a flow keeps its old translation.
 */
export function removedFloatingIps(spec: RouterSpec, observed: ObservedRouter): string[] {
  const keep = new Set([
    ...(spec.gateway?.addresses ?? []).map((a) => a.ip),
    ...spec.floatingIps.map((f) => f.floatingIp),
  ]);
  return observed.links
    .filter((l) => l.name.startsWith(gatewayPrefix))
    .flatMap((l) => l.addresses)
    .filter((a) => a.endsWith('/32'))
    .map((a) => a.slice(0, -'/32'.length))
    .filter((ip) => !keep.has(ip));
}
