import type { RouterInterfaceSpec, RouterState } from '../../agent/host/router/router-spec.js';
import type { FloatingIpRow } from '../floatingips/floatingip-store.js';
import type { PortRow } from '../ports/port-store.js';
import type { SubnetRow } from '../subnets/subnet-store.js';
import { gatewayOwner, interfaceOwner } from './router-store.js';
import type { RouterRow } from './router-store.js';

/** A router port with what the host needs of its network and subnets. */
export interface RouterPortFacts {
  readonly port: Pick<PortRow, 'id' | 'network_id' | 'mac_address' | 'device_owner'>;
  readonly mtu: number;
  readonly fixedIps: ReadonlyArray<{
    readonly ipAddress: string;
    readonly subnet: Pick<SubnetRow, 'cidr' | 'gateway_ip' | 'ip_version'>;
  }>;
}

const prefixOf = (cidr: string) => Number(cidr.slice(cidr.indexOf('/') + 1));

function dataplanePort(p: RouterPortFacts): RouterInterfaceSpec {
  return {
    portId: p.port.id,
    networkId: p.port.network_id,
    mac: p.port.mac_address,
    mtu: p.mtu,
    addresses: p.fixedIps.map((f) => ({ ip: f.ipAddress, prefixLength: prefixOf(f.subnet.cidr) })),
  };
}

/** The external subnet's gateway (IPv4 first, as Neutron's L3 agent picks the default route). */
function nextHopOf(gw: RouterPortFacts): string | undefined {
  const byVersion = [...gw.fixedIps].sort((a, b) => a.subnet.ip_version - b.subnet.ip_version);
  return byVersion.find((f) => f.subnet.gateway_ip !== null)?.subnet.gateway_ip ?? undefined;
}

/**
 * Turns a router row, its ports (interfaces and gateway) and the floating IPs on it into
 * what a host sets up. An administratively down router has nothing on any host
 * (`undefined`: the host removes it), as Neutron's L3 agent tears such a router down.
 * Floating IPs not associated with a fixed IP, or on another router, are left out.
 */
export function routerDataplaneSpec(
  router: Pick<RouterRow, 'id' | 'admin_state_up' | 'gw_port_id' | 'enable_snat' | 'routes'>,
  ports: ReadonlyArray<RouterPortFacts>,
  floatingIps: ReadonlyArray<Pick<FloatingIpRow, 'floating_ip_address' | 'fixed_ip_address' | 'router_id'>>,
): RouterState | undefined {
  if (router.admin_state_up !== 1) return undefined;
  const gw = ports.find((p) => p.port.device_owner === gatewayOwner && p.port.id === router.gw_port_id);
  return {
    id: router.id,
    gateway:
      gw === undefined
        ? undefined
        : { ...dataplanePort(gw), nextHop: nextHopOf(gw), snat: router.enable_snat === 1 },
    interfaces: ports.filter((p) => p.port.device_owner === interfaceOwner).map(dataplanePort),
    routes: JSON.parse(router.routes) as RouterState['routes'],
    floatingIps: floatingIps.flatMap((f) =>
      f.router_id === router.id && f.fixed_ip_address !== null && gw !== undefined
        ? [{ floatingIp: f.floating_ip_address, fixedIp: f.fixed_ip_address }]
        : [],
    ),
  };
}
