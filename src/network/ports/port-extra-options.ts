import { sanitizeMac } from '../ipam/mac-address.js';

/**
 * The stored forms of a port's allowed address pairs and extra DHCP options, as Neutron's
 * allowed-address-pairs and extra_dhcp_opt mixins store them (and so show them).
 */

export interface AddressPair {
  readonly ip_address: string;
  readonly mac_address: string;
}

/** A pair without a MAC takes the port's own MAC. */
export function addressPairsOf(
  requested: ReadonlyArray<Record<string, unknown>>,
  portMac: string,
): AddressPair[] {
  return requested.map((p) => ({
    ip_address: String(p['ip_address']),
    mac_address: sanitizeMac(p['mac_address']) ?? portMac,
  }));
}

export interface DhcpOption {
  readonly opt_name: string;
  readonly opt_value: string | null;
  readonly ip_version: number;
}

/** Options that may be sent with an empty value (router and classless-static-route). */
const blankable = new Set(['router', 'classless-static-route']);

/** Neutron stores no option whose value is missing (or empty, unless blankable). */
function storable(name: string, value: unknown): boolean {
  return blankable.has(name)
    ? value !== null && value !== undefined
    : typeof value === 'string' && value !== '';
}

const versionOf = (o: Record<string, unknown>) => (o['ip_version'] as number | undefined) ?? 4;

/** The options a create stores: valid values only, IPv4 unless said otherwise. */
export function createdDhcpOptions(requested: ReadonlyArray<Record<string, unknown>>): DhcpOption[] {
  return requested
    .filter((o) => storable(String(o['opt_name']), o['opt_value']))
    .map((o) => ({
      opt_name: String(o['opt_name']),
      opt_value: o['opt_value'] as string,
      ip_version: versionOf(o),
    }));
}

/**
 * An update merges by (name, IP version): a null value removes the option, another value
 * replaces it, a new name is added; an empty list changes nothing.
 */
export function updatedDhcpOptions(
  current: ReadonlyArray<DhcpOption>,
  updates: ReadonlyArray<Record<string, unknown>>,
): DhcpOption[] {
  let result = [...current];
  for (const u of updates) {
    const name = String(u['opt_name']);
    const version = versionOf(u);
    const at = result.findIndex((o) => o.opt_name === name && o.ip_version === version);
    if (at < 0) {
      if (storable(name, u['opt_value']))
        result = [...result, { opt_name: name, opt_value: u['opt_value'] as string, ip_version: version }];
    } else if (u['opt_value'] === null) result = result.filter((_, i) => i !== at);
    else if (storable(name, u['opt_value']))
      result = result.map((o, i) => (i === at ? { ...o, opt_value: u['opt_value'] as string } : o));
  }
  return result;
}
