import type { WorkloadHandle } from '../../agent/drivers/driver.js';
import type { ServerPowerState, ServerTaskState, ServerVmState } from '../../db/tables/compute-tables.js';

/** The flavor as booted, embedded in the server like Nova does. */
export interface EmbeddedFlavor {
  readonly id: string;
  readonly name: string;
  readonly vcpus: number;
  readonly ram: number;
  readonly disk: number;
  readonly ephemeral: number;
  readonly swap: number;
  readonly extraSpecs: Readonly<Record<string, string>>;
}

export interface ServerFault {
  readonly code: number;
  readonly message: string;
  readonly details: string;
  readonly created: string;
}

/** One host a build was placed on (Nova's retry.hosts); a failed one carries why. */
export interface BuildAttempt {
  readonly host: string;
  readonly at: string;
  /** The zone the server asked for before it landed (a reschedule asks for it again). */
  readonly requestedZone: string | null;
  readonly failure?: string;
}

/** A server as the domain sees it (read-only: build a new object to change one). */
export interface Server {
  readonly id: string;
  readonly projectId: string;
  readonly userId: string;
  readonly name: string;
  readonly hostname: string;
  readonly description: string | null;
  readonly flavor: EmbeddedFlavor;
  readonly imageId: string;
  readonly keyName: string | null;
  readonly keyData: string | null;
  readonly userData: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly tags: ReadonlyArray<string>;
  readonly networks: unknown;
  readonly availabilityZone: string | null;
  readonly configDrive: boolean;
  readonly accessIpv4: string;
  readonly accessIpv6: string;
  readonly reservationId: string;
  readonly launchIndex: number;
  readonly serverGroupId: string | null;
  readonly vmState: ServerVmState;
  readonly taskState: ServerTaskState | null;
  readonly powerState: ServerPowerState;
  readonly desiredPower: string;
  readonly observedPower: string | null;
  readonly observedReason: string | null;
  readonly generation: number;
  readonly host: string | null;
  readonly node: string | null;
  /** Where the build was placed so far, oldest first. */
  readonly buildAttempts: ReadonlyArray<BuildAttempt>;
  readonly locked: boolean;
  readonly lockedBy: 'owner' | 'admin' | null;
  readonly lockedReason: string | null;
  readonly fault: ServerFault | null;
  /** What the host agent stored to find the workload again (opaque outside its driver). */
  readonly workloadHandle: WorkloadHandle | null;
  /** The image a createImage action reserved, until the agent has uploaded into it. */
  readonly pendingImageId: string | null;
  readonly newFlavor: EmbeddedFlavor | null;
  readonly oldFlavor: EmbeddedFlavor | null;
  readonly launchedAt: string | null;
  readonly terminatedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
}

/** Nova's power_state numbers. */
export const PowerState = {
  NOSTATE: 0,
  RUNNING: 1,
  PAUSED: 3,
  SHUTDOWN: 4,
  CRASHED: 6,
  SUSPENDED: 7,
} as const;
