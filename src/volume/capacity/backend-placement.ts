import type { Tx } from '../../db/db-handle.js';

/** A volume's claim on its backend: placement's allocation write, reduced to what block storage sends. */
export interface BackendAllocationWrite {
  readonly consumerId: string;
  readonly projectId: string;
  readonly userId: string;
  readonly consumerType?: string;
  /** Empty: the consumer's allocations are removed. */
  readonly allocations: ReadonlyArray<{
    readonly providerId: string;
    readonly resources: Readonly<Record<string, number>>;
  }>;
}

/**
 * Placement as block storage uses it for its backend's sharing provider (wired in main.ts;
 * placement's in-process PlacementApi satisfies it), as Nova reaches placement through a
 * client and never through placement's store.
 */
export interface BackendPlacement {
  ensureProvider(p: {
    readonly uuid: string;
    readonly name: string;
    readonly inventories: Readonly<
      Record<
        string,
        { readonly total: number; readonly reserved?: number; readonly allocationRatio?: number }
      >
    >;
    readonly traits: ReadonlyArray<string>;
    readonly ratiosAreConfig?: boolean;
  }): Promise<void>;
  setAggregateMembership(providerUuid: string, aggregateUuid: string, member: boolean): Promise<boolean>;
  /** Throws a ConflictError on no capacity; code `placement.concurrent_update` on a lost race. */
  writeAllocationsInTx(tx: Tx, write: BackendAllocationWrite): Promise<void>;
  providerConsumers(providerUuid: string): Promise<
    ReadonlyArray<{
      readonly consumerId: string;
      readonly consumerType: string | null;
      readonly resources: Readonly<Record<string, number>>;
    }>
  >;
}
