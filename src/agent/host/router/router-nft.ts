import { internalCidrs, routerIfNameOf } from './router-spec.js';
import type { RouterSpec } from './router-spec.js';

/** The router's own table, in its namespace (Neutron's L3 agent keeps its NAT in iptables there). */
export const routerTable = 'ip strata-router';

const elements = (xs: ReadonlyArray<string>) => (xs.length === 0 ? '' : ` elements = { ${xs.join(', ')} };`);

function sets(spec: RouterSpec): string[] {
  const v4 = spec.floatingIps.filter((f) => !f.floatingIp.includes(':'));
  return [
    `  set internal { type ipv4_addr; flags interval;${elements(internalCidrs(spec))} }`,
    `  map fip-dnat { type ipv4_addr : ipv4_addr;${elements(v4.map((f) => `${f.floatingIp} : ${f.fixedIp}`))} }`,
    `  map fip-snat { type ipv4_addr : ipv4_addr;${elements(v4.map((f) => `${f.fixedIp} : ${f.floatingIp}`))} }`,
  ];
}

/**
 * Only what leaves by the gateway is translated (as Neutron's `! -o qg- ... ACCEPT`), so
 * traffic between the router's own subnets and to static routes behind them keeps its
 * source. A port with a floating IP leaves as its floating IP; the rest as the gateway's
 * address when SNAT is on. The one exception: an instance reaching another's floating IP
 * from inside (hairpin) is translated to the gateway address, as Neutron does, or the
 * answer would come back straight over the subnet from the fixed address and be dropped.
 */
function postrouting(spec: RouterSpec): string[] {
  const gw = spec.gateway;
  if (gw === undefined) return [];
  const qg = `oifname "${routerIfNameOf('gateway', gw.portId)}"`;
  const source = gw.addresses.find((a) => !a.ip.includes(':'));
  return [
    ...(source === undefined ? [] : [`    ip saddr @internal ct status dnat snat to ${source.ip}`]),
    `    ${qg} snat to ip saddr map @fip-snat`,
    ...(gw.snat && source !== undefined ? [`    ${qg} ip saddr @internal snat to ${source.ip}`] : []),
  ];
}

/**
 * The router's NAT as one `nft -f` transaction: the table is created (so the delete never
 * fails), deleted and written anew, so the kernel swaps the old floating IPs for the new
 * ones at once or, on any error, keeps the old.
 */
export function compileRouterNat(spec: RouterSpec): string {
  return [
    `table ${routerTable}`,
    `delete table ${routerTable}`,
    `table ${routerTable} {`,
    ...sets(spec),
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    '    dnat to ip daddr map @fip-dnat',
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    ...postrouting(spec),
    '  }',
    '}',
    '',
  ].join('\n');
}
