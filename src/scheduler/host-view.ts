/** One candidate host as the scheduler sees it: a snapshot, never live state. */
export interface HostView {
  readonly hostname: string;
  readonly providerId: string;
  readonly availabilityZone: string;
  /** Enabled by the operator and heartbeating recently. */
  readonly enabled: boolean;
  readonly up: boolean;
  /** Schedulable amount per resource class: (total - reserved) * allocation_ratio. */
  readonly capacity: Readonly<Record<string, number>>;
  readonly used: Readonly<Record<string, number>>;
  /** Largest single allocation per class (placement max_unit). */
  readonly maxUnit: Readonly<Record<string, number>>;
  /** Smallest single allocation and its granularity per class, only where not 1 (min_unit, step_size). */
  readonly minUnit?: Readonly<Record<string, number>>;
  readonly stepSize?: Readonly<Record<string, number>>;
  readonly traits: ReadonlySet<string>;
}

/** What one server asks of the scheduler. */
export interface PlacementRequest {
  readonly consumerId: string;
  readonly resources: Readonly<Record<string, number>>;
  readonly requiredTraits: ReadonlyArray<string>;
  /** Traits a host must not have (`trait:X=forbidden`, placement's `!X`). */
  readonly forbiddenTraits?: ReadonlyArray<string>;
  readonly availabilityZone?: string;
  /** Hosts a rescheduled build already failed on. */
  readonly ignoreHosts?: ReadonlyArray<string>;
  /** Server group policy and how many group members each host already has. */
  readonly group?: {
    readonly policy: 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';
    readonly membersByHost: ReadonlyMap<string, number>;
    readonly maxPerHost: number;
  };
}

export function free(h: HostView, rc: string): number {
  return (h.capacity[rc] ?? 0) - (h.used[rc] ?? 0);
}
