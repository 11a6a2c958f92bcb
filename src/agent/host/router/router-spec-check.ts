import ipaddr from 'ipaddr.js';
import type { RouterInterfaceSpec, RouterSpec } from './router-spec.js';

const macPattern = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const idPattern = /^[0-9A-Za-z-]+$/;

function checkAddress(ip: string, what: string): void {
  if (!ipaddr.isValid(ip)) throw new Error(`router spec: ${what} ${JSON.stringify(ip)} is not an address`);
}

function checkCidr(cidr: string, what: string): void {
  try {
    ipaddr.parseCIDR(cidr);
  } catch {
    throw new Error(`router spec: ${what} ${JSON.stringify(cidr)} is not a CIDR`);
  }
}

function checkPort(p: RouterInterfaceSpec): void {
  if (!idPattern.test(p.portId) || !idPattern.test(p.networkId))
    throw new Error(`router spec: port ${JSON.stringify(p.portId)} has a malformed id`);
  if (!macPattern.test(p.mac)) throw new Error(`router spec: MAC ${JSON.stringify(p.mac)} is malformed`);
  if (!Number.isInteger(p.mtu) || p.mtu < 68 || p.mtu > 65535)
    throw new Error(`router spec: MTU ${p.mtu} is out of range`);
  for (const a of p.addresses) checkCidr(`${a.ip}/${a.prefixLength}`, 'address');
}

/**
 * Refuses a spec that is not what the network service validates (ids, MACs, addresses):
 * its values are written into `ip -batch` and `nft -f` text, where a stray newline or
 * quote would be a command of its own.
 */
export function checkRouterSpec(spec: RouterSpec): void {
  if (!idPattern.test(spec.id))
    throw new Error(`router spec: router id ${JSON.stringify(spec.id)} is malformed`);
  for (const p of [...(spec.gateway === undefined ? [] : [spec.gateway]), ...spec.interfaces]) checkPort(p);
  if (spec.gateway?.nextHop !== undefined) checkAddress(spec.gateway.nextHop, 'next hop');
  for (const r of spec.routes) {
    checkCidr(r.destination, 'route destination');
    checkAddress(r.nexthop, 'route next hop');
  }
  for (const f of spec.floatingIps) {
    checkAddress(f.floatingIp, 'floating IP');
    checkAddress(f.fixedIp, 'fixed IP');
  }
}
