import type { Tx } from '../db/db-handle.js';
import type { InventoryLimits } from './inventories/inventory-capacity.js';

/** A read-only snapshot row, for the scheduler. */
export interface ProviderView {
  readonly uuid: string;
  readonly name: string;
  readonly generation: number;
  readonly parentUuid: string | null;
  readonly rootUuid: string;
  readonly inventories: Readonly<Record<string, InventoryLimits>>;
  readonly usages: Readonly<Record<string, number>>;
  readonly traits: ReadonlyArray<string>;
  readonly aggregates: ReadonlyArray<string>;
}

export interface AllocationWrite {
  readonly consumerId: string;
  readonly projectId: string;
  readonly userId: string;
  /** Placement 1.28 semantics: null = consumer must be new; a number = must match; undefined = do not check. */
  readonly consumerGeneration?: number | null;
  /** Placement 1.38 consumer type (INSTANCE, MIGRATION, ...); undefined keeps the current one. */
  readonly consumerType?: string;
  readonly allocations: ReadonlyArray<{
    readonly providerId: string;
    /** When set, must equal the provider's current generation. */
    readonly providerGeneration?: number;
    readonly resources: Readonly<Record<string, number>>;
  }>;
}

export interface ProviderRegistration {
  readonly uuid: string;
  readonly name: string;
  readonly parentUuid?: string | null;
  readonly inventories: Readonly<
    Record<
      string,
      {
        readonly total: number;
        readonly reserved?: number;
        readonly minUnit?: number;
        readonly maxUnit?: number;
        readonly stepSize?: number;
        /** Set when the inventory is created; later registrations keep the ratio it has. */
        readonly allocationRatio?: number;
      }
    >
  >;
  readonly traits: ReadonlyArray<string>;
  /**
   * The registration's allocation ratios are configuration (as Cinder's
   * max_over_subscription_ratio) and replace the current ones; otherwise they are initial
   * ratios and an existing inventory keeps the one it has.
   */
  readonly ratiosAreConfig?: boolean;
}

/** One consumer's allocation on a provider, with its consumer type (Placement 1.38). */
export interface ProviderConsumer {
  readonly consumerId: string;
  readonly consumerType: string | null;
  readonly resources: Readonly<Record<string, number>>;
}

/**
 * Placement for in-process callers (the scheduler, host agents). Allocation writes go
 * through the same code as `PUT /allocations/{consumer}`: one capacity check, one
 * compare-and-set per provider generation, one short transaction.
 */
export interface PlacementApi {
  /** All providers (optionally only those with every given trait), with inventories, usages, traits and aggregates, in five queries. */
  snapshot(filter?: {
    readonly requiredTraits?: ReadonlyArray<string>;
  }): Promise<ReadonlyArray<ProviderView>>;
  /**
   * Replaces a consumer's allocations atomically (empty list = delete). Throws
   * AllocationConflictError (a ConflictError) on capacity or generation conflicts, and
   * leaves nothing written. Unpinned writes retry internal generation races themselves.
   */
  writeAllocations(write: AllocationWrite): Promise<void>;
  /**
   * The same write inside the caller's transaction on the same database, so the
   * allocations commit or roll back with the caller's own rows (block storage writes a
   * volume and its claim together). Throws AllocationConflictError; reason `race` means
   * the caller should retry its whole transaction.
   */
  writeAllocationsInTx(tx: Tx, write: AllocationWrite): Promise<void>;
  /** Several consumers in one transaction (POST /allocations and batched scheduling); all or nothing. */
  writeAllocationsBatch(writes: ReadonlyArray<AllocationWrite>): Promise<void>;
  /** Removes every allocation of the consumer; idempotent (an unknown consumer is fine). */
  deleteAllocations(consumerId: string): Promise<void>;
  /**
   * For host agents registering: creates or updates the provider (by uuid), replaces its
   * inventories and traits, creating CUSTOM_* classes and traits it names. Idempotent;
   * refuses (409) an inventory below current usage.
   */
  ensureProvider(p: ProviderRegistration): Promise<void>;
  /** Removes a provider; a missing one is fine, one with allocations is a 409 (ConflictError). */
  removeProvider(uuid: string): Promise<void>;
  /**
   * Adds the provider to (or removes it from) one aggregate, keeping its others, as Nova's
   * report client mirrors host aggregates; retries generation races; false when there is no
   * such provider. Idempotent.
   */
  setAggregateMembership(providerUuid: string, aggregateUuid: string, member: boolean): Promise<boolean>;
  /** Every consumer holding allocations on the provider (none for an unknown provider). */
  providerConsumers(providerUuid: string): Promise<ReadonlyArray<ProviderConsumer>>;
  /** Allocations of one consumer, keyed by provider uuid. */
  getAllocations(consumerId: string): Promise<Readonly<Record<string, Readonly<Record<string, number>>>>>;
}
