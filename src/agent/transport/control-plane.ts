import type { HostFacts, PowerObservation, WorkloadHandle, WorkloadSpec } from '../drivers/driver.js';

/** How an agent joins: its host, driver and what it can offer. */
export interface HostRegistration {
  readonly hostname: string;
  readonly driver: string;
  readonly availabilityZone: string;
  readonly facts: HostFacts;
  /** Kept back for the host itself (Nova's reserved_host_*). */
  readonly reserved: { readonly vcpus: number; readonly memoryMb: number; readonly diskGb: number };
}

/** One server assigned to this host, as the agent needs it: desired state and the expanded spec. */
export interface AssignedServer {
  readonly id: string;
  readonly generation: number;
  readonly vmState: string;
  readonly taskState: string | null;
  readonly desiredPower: string;
  readonly spec: WorkloadSpec;
  /** The handle the agent stored when it created the workload, if any. */
  readonly handle?: WorkloadHandle;
  /** The image a snapshot goes into, while one is pending (agents on other hosts upload it there). */
  readonly pendingImageId?: string;
}

/** What one step produced; the control plane turns it into vm_state/task_state/power_state. */
export type StepOutcome =
  | { readonly kind: 'done'; readonly power: PowerObservation; readonly handle?: WorkloadHandle }
  | {
      readonly kind: 'failed';
      readonly message: string;
      readonly power?: PowerObservation;
      /** The driver said another host may succeed (a build is then rescheduled). */
      readonly retryable?: boolean;
    }
  | { readonly kind: 'destroyed' }
  | { readonly kind: 'observed'; readonly power: PowerObservation | 'missing'; readonly reason?: string };

/**
 * The agent's only way to the control plane. In the all-in-one it is a direct call
 * (transport/in-process); across hosts the same calls travel over HTTP. An agent sees and
 * changes only what is assigned to its host.
 */
export interface ControlPlane {
  registerHost(reg: HostRegistration): Promise<void>;
  heartbeat(hostname: string): Promise<void>;
  /** Ids of every server assigned to the host that is not finally deleted. */
  listAssigned(hostname: string): Promise<ReadonlyArray<string>>;
  /** Which of these server ids are deleted (the only workloads a host may reap unasked). */
  deletedAmong(serverIds: ReadonlyArray<string>): Promise<ReadonlyArray<string>>;
  /** The server if it is (still) assigned to this host. */
  getAssigned(hostname: string, serverId: string): Promise<AssignedServer | undefined>;
  /** Records a step's outcome if the server is still at `generation`; false means it changed meanwhile. */
  report(hostname: string, serverId: string, generation: number, outcome: StepOutcome): Promise<boolean>;
  /** Stores snapshot bytes into the image a createImage action reserved for this server. */
  uploadSnapshot(hostname: string, serverId: string, data: NodeJS.ReadableStream | Buffer): Promise<void>;
  /**
   * Remote transports only: answers the control plane's console-log requests with `read`
   * (in the all-in-one the control plane reads the local driver itself).
   */
  serveConsoleLogs?(read: (serverId: string, lines?: number) => Promise<string>): void;
  /** Calls back with a server id whenever one assigned to the host changes; returns an unsubscribe. */
  watch(hostname: string, onChange: (serverId: string) => void): () => void;
}
