/**
 * The part of the placement service's in-process API the scheduler uses. The placement
 * service's PlacementApi satisfies it; tests can pass a small fake.
 */
export interface ProviderSnapshot {
  readonly uuid: string;
  readonly name: string;
  readonly generation: number;
  readonly inventories: Readonly<
    Record<
      string,
      {
        total: number;
        reserved: number;
        minUnit: number;
        maxUnit: number;
        stepSize: number;
        allocationRatio: number;
      }
    >
  >;
  readonly usages: Readonly<Record<string, number>>;
  readonly traits: ReadonlyArray<string>;
}

export interface ClaimWrite {
  readonly consumerId: string;
  readonly projectId: string;
  readonly userId: string;
  readonly allocations: ReadonlyArray<{
    readonly providerId: string;
    readonly resources: Readonly<Record<string, number>>;
  }>;
}

export interface SchedulerPlacement {
  snapshot(filter?: { requiredTraits?: ReadonlyArray<string> }): Promise<ReadonlyArray<ProviderSnapshot>>;
  writeAllocations(write: ClaimWrite): Promise<void>;
  writeAllocationsBatch(writes: ReadonlyArray<ClaimWrite>): Promise<void>;
  deleteAllocations(consumerId: string): Promise<void>;
}
