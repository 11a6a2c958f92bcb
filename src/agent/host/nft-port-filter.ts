import type { SecurityRule } from './nft-rules.js';

export interface AllowedAddressPair {
  /** An address or prefix. */
  readonly ip_address: string;
  /** The MAC the pair is for; the port's own when absent. */
  readonly mac_address?: string;
}

/** What the filter of one plugged port needs, on the host holding its device. */
export interface PortFilter {
  readonly portId: string;
  /** The host side of the port: its tap or veth end, a port of some bridge. */
  readonly device: string;
  /** The bridge of the port's network (its conntrack zone comes from the name). */
  readonly bridge: string;
  readonly mac: string;
  readonly fixedIps: ReadonlyArray<string>;
  readonly allowedAddressPairs: ReadonlyArray<AllowedAddressPair>;
  /** Off: no filter at all, the port is left out of the verdict maps. */
  readonly portSecurityEnabled: boolean;
  /** The effective rules of the port's groups (`effectiveRulesOfPort`). */
  readonly rules: ReadonlyArray<SecurityRule>;
}

/** A filtered port and the number its packets are marked with (1-65535). */
export interface IndexedPort {
  readonly port: PortFilter;
  readonly index: number;
}
