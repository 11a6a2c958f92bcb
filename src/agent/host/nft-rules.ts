import { ipProtocols, portProtocols } from '../../network/security-groups/security-group-protocols.js';

/** A security group rule as Neutron shows it (a `security_group_rules` row fits). */
export interface SecurityRule {
  readonly direction: 'ingress' | 'egress';
  readonly ethertype: 'IPv4' | 'IPv6';
  /** A protocol name or number as text; null for any. */
  readonly protocol: string | null;
  readonly port_range_min: number | null;
  readonly port_range_max: number | null;
  readonly remote_ip_prefix: string | null;
  readonly remote_group_id: string | null;
  /** An address group whose CIDRs are the remote end (absent: none). */
  readonly remote_address_group_id?: string | null;
}

/** An ingress IPv4 rule matching any protocol from anywhere, changed by `o` (tests and benchmarks build groups from it). */
export function securityRule(o: Partial<SecurityRule> = {}): SecurityRule {
  return {
    direction: 'ingress',
    ethertype: 'IPv4',
    protocol: null,
    port_range_min: null,
    port_range_max: null,
    remote_ip_prefix: null,
    remote_group_id: null,
    ...o,
  };
}

export type Family = 'v4' | 'v6';
/** A class of rules matched by one set lookup: ports, ICMP type/code, or the protocol alone. */
export type RuleClass = 'ports' | 'icmp' | 'proto';

/** The sets of one direction and family of a port: per source (a prefix or a remote group). */
export interface CompiledSets {
  /** Elements keyed `<source>|<class>`; source is `prefix`, the remote group id or `ag-<address group id>`. */
  readonly elements: ReadonlyMap<string, ReadonlyArray<string>>;
}

const familyOf = (r: SecurityRule): Family => (r.ethertype === 'IPv6' ? 'v6' : 'v4');
const anyAddress = (f: Family) => (f === 'v6' ? '::/0' : '0.0.0.0/0');

/** The protocol's number, or undefined for any (Neutron's "icmp" on IPv6 means ICMPv6). */
export function protocolNumber(r: Pick<SecurityRule, 'protocol' | 'ethertype'>): number | undefined {
  if (r.protocol === null) return undefined;
  const n = /^\d+$/.test(r.protocol) ? Number(r.protocol) : ipProtocols[r.protocol.toLowerCase()];
  if (n === undefined) throw new Error(`unknown protocol ${r.protocol}`);
  return n === 1 && r.ethertype === 'IPv6' ? 58 : n;
}

const range = (lo: number, hi: number) => (lo === hi ? String(lo) : `${lo}-${hi}`);

/** Which set a rule lands in and the element (without the address) it adds there. */
function classify(r: SecurityRule): { readonly cls: RuleClass; readonly key: string } {
  const proto = protocolNumber(r);
  if (proto === undefined) return { cls: 'proto', key: '0-255' };
  const lo = r.port_range_min;
  const hi = r.port_range_max;
  if (portProtocols.has(proto) && lo !== null)
    return { cls: 'ports', key: `${proto} . ${range(lo, hi ?? lo)}` };
  if ((proto === 1 || proto === 58) && lo !== null)
    return { cls: 'icmp', key: `${lo} . ${hi === null ? '0-255' : String(hi)}` };
  return { cls: 'proto', key: String(proto) };
}

/** Where a rule's remote addresses come from: its prefix, a remote group's set or an address group's. */
function sourceOf(r: SecurityRule): string {
  if (r.remote_group_id !== null) return r.remote_group_id;
  if (r.remote_address_group_id) return `${addressGroupSource}${r.remote_address_group_id}`;
  return 'prefix';
}

/** Marks an address group among the sources (a group id is a UUID, never starting so). */
export const addressGroupSource = 'ag-';

/**
 * Groups a port's rules of one direction and family into set elements: one set per class
 * and source, so matching costs a few lookups however many rules there are. A prefix rule's
 * element starts with the address (`10.0.0.0/24 . 6 . 22`); a remote group's has none, its
 * addresses come from the group's set.
 */
export function compileRules(
  rules: ReadonlyArray<SecurityRule>,
  direction: SecurityRule['direction'],
  family: Family,
): CompiledSets {
  const elements = new Map<string, string[]>();
  for (const r of rules) {
    if (r.direction !== direction || familyOf(r) !== family) continue;
    const { cls, key } = classify(r);
    const source = sourceOf(r);
    const element = source === 'prefix' ? `${r.remote_ip_prefix ?? anyAddress(family)} . ${key}` : key;
    const k = `${source}|${cls}`;
    const list = elements.get(k) ?? [];
    if (!list.includes(element)) list.push(element);
    elements.set(k, list);
  }
  return { elements };
}

/** The nft type of a class's set, with or without the leading address. */
export function setType(cls: RuleClass, family: Family, withAddress: boolean): string {
  const addr = family === 'v6' ? 'ipv6_addr' : 'ipv4_addr';
  const icmp = family === 'v6' ? 'icmpv6_type . icmpv6_code' : 'icmp_type . icmp_code';
  const rest = { ports: 'inet_proto . inet_service', icmp, proto: 'inet_proto' }[cls];
  return withAddress ? `${addr} . ${rest}` : rest;
}

/** The packet fields a class's set is looked up with. */
export function lookupKey(cls: RuleClass, family: Family, remote: 'saddr' | 'daddr', withAddress: boolean) {
  const addr = `${family === 'v6' ? 'ip6' : 'ip'} ${remote}`;
  const icmp = family === 'v6' ? 'icmpv6 type . icmpv6 code' : 'icmp type . icmp code';
  const rest = { ports: 'meta l4proto . th dport', icmp, proto: 'meta l4proto' }[cls];
  return withAddress ? `${addr} . ${rest}` : rest;
}
