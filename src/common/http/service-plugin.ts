import type { FastifyPluginAsync } from 'fastify';
import type { FaultDialect } from '../faults/fault-dialect.js';

/** What the composition root needs to mount a service and list it in the catalog. */
export interface ServicePlugin {
  /** Folder name, for logs: 'identity', 'compute', ... */
  readonly name: string;
  /** Catalog service type: 'identity', 'compute', 'image', ... */
  readonly serviceType: string;
  /** Further catalog types for the same endpoint, e.g. 'volumev3' beside 'block-storage'. */
  readonly aliases?: ReadonlyArray<{ readonly type: string; readonly name: string }>;
  /** Catalog service name: 'keystone', 'nova', ... */
  readonly catalogName: string;
  /** Mount point; the catalog URL is the public base URL plus this plus `catalogSuffix`. */
  readonly prefix: string;
  /** Appended to the endpoint URL in the catalog, e.g. '/v3' for identity. */
  readonly catalogSuffix: string;
  /** Policy defaults this service contributes. */
  readonly policy: Readonly<Record<string, string>>;
  readonly plugin: FastifyPluginAsync;
  /** How the service renders faults, for errors answered before routing reaches it (414). */
  readonly fault: FaultDialect;
  /** Rewrites a request path under `prefix` before routing (Neutron's `.json` suffix). */
  readonly rewritePath?: (path: string) => string;
}
