import type { Logger } from 'pino';
import type { Clock } from '../common/time.js';
import type { StrataDb } from '../db/database.js';

/** What the network service's modules need, passed in by `networkService` (no globals). */
export interface NetworkDeps {
  readonly store: StrataDb;
  readonly clock: Clock;
  readonly log: Logger;
  /** MTU of the underlying physical network (Neutron's global_physnet_mtu). */
  readonly physnetMtu: number;
  /** Neutron's dns_domain option: ports' domain on networks without `dns_domain` ('' for none). */
  readonly dnsDomain: string;
  /** The CIDR of auto-allocated networks (auto-allocation/auto-allocation-build.ts has the default). */
  readonly autoAllocatedCidr?: string;
}
