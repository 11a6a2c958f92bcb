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
  readonly traits: ReadonlySet<string>;
}

/** What one server asks of the scheduler. */
export interface PlacementRequest {
  readonly consumerId: string;
  readonly resources: Readonly<Record<string, number>>;
  readonly requiredTraits: ReadonlyArray<string>;
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
