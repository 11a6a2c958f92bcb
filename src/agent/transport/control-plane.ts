import type { Duplex } from 'node:stream';
import type {
  HostFacts,
  ImageCacheSupport,
  PowerObservation,
  SerialConsoleState,
  WorkloadDevice,
  WorkloadHandle,
  WorkloadSpec,
} from '../drivers/driver.js';
import type { HostNetworkState } from '../dataplane/host-network-state.js';
import type { ServicePortStatus } from '../dataplane/network-dataplane.js';

/**
 * The agent's only way to the control plane, split by concern: the host itself, its
 * servers, and the devices (NICs, disks) on them. In the all-in-one each part is a direct
 * call into the service that owns it; across hosts the same calls travel over HTTP
 * (http-control-plane.ts). An agent sees and changes only what is assigned to its host.
 */
export interface ControlPlane {
  readonly hosts: HostControlPlane;
  readonly servers: ServerControlPlane;
  readonly devices: DeviceControlPlane;
  /** Absent in test doubles without a network service: a network controller then has nothing to read. */
  readonly networks?: NetworkControlPlane;
  /** Absent in test doubles without an image service: the image cache manager then does not run. */
  readonly images?: ImageControlPlane;
  /** Image data the transport itself keeps on the host (a remote agent's downloads), cached like the drivers'. */
  readonly downloads?: ImageCacheSupport;
}

/** What the host's image cache manager asks (src/agent/controllers/image-cache-manager.ts). */
export interface ImageControlPlane {
  /**
   * Which of these image ids name an image that still exists (not deleted, killed or
   * pending deletion); the cache of any other may go at once.
   */
  liveImages(imageIds: ReadonlyArray<string>): Promise<ReadonlyArray<string>>;
}

/** What the host's network dataplane is to make real (src/agent/controllers/network-controller.ts). */
export interface NetworkControlPlane {
  /** The whole desired network state of the host, read fresh. */
  hostState(hostname: string): Promise<HostNetworkState>;
  /** Calls back whenever that state may have changed; returns an unsubscribe. */
  watch(hostname: string, onChange: () => void): () => void;
  /**
   * The metadata service's question: the instance whose port holds `ipAddress` on the
   * network, asked only by the host serving that network's DHCP (else undefined).
   */
  instanceAt(hostname: string, networkId: string, ipAddress: string): Promise<WorkloadSpec | undefined>;
  /**
   * The host's DHCP and router ports as its dataplane found them (ACTIVE when wired, DOWN
   * when not), with the binding:vif_type it wires; returns the ids the network service
   * took (a port gone or bound to another host is not).
   */
  reportServicePorts(
    hostname: string,
    statuses: ReadonlyArray<ServicePortStatus>,
    vifType: string,
  ): Promise<ReadonlyArray<string>>;
}

/** How an agent joins: its host, driver and what it can offer. */
export interface HostRegistration {
  readonly hostname: string;
  readonly driver: string;
  readonly availabilityZone: string;
  readonly facts: HostFacts;
  /** Kept back for the host itself (Nova's reserved_host_*). */
  readonly reserved: { readonly vcpus: number; readonly memoryMb: number; readonly diskGb: number };
  /** The host's underlay address for VXLAN; only hosts with a real dataplane give one. */
  readonly tunnelIp?: string;
  /** The host's network dataplane by name; the scheduler puts routers only where it can run them. */
  readonly dataplane?: string;
}

export interface HostControlPlane {
  registerHost(reg: HostRegistration): Promise<void>;
  heartbeat(hostname: string): Promise<void>;
}

/** The driver work an agent does for a server's task (the control plane maps tasks to steps). */
export type AgentStep =
  | 'create'
  | 'destroy'
  | 'resize'
  | 'revert-resize'
  | 'rebuild'
  | 'reboot-soft'
  | 'reboot-hard'
  | 'power-off'
  | 'power-on'
  | 'pause'
  | 'unpause'
  | 'suspend'
  | 'resume'
  | 'crash-dump'
  | 'snapshot';

/** One server assigned to this host, as the agent needs it: desired state and the expanded spec. */
export interface AssignedServer {
  readonly id: string;
  readonly generation: number;
  readonly vmState: string;
  readonly taskState: string | null;
  /**
   * What to do now: a step, 'observe' (no task: compare what runs with what should), or
   * 'wait' (the control plane is carrying out the task).
   */
  readonly step: AgentStep | 'observe' | 'wait';
  readonly desiredPower: string;
  readonly spec: WorkloadSpec;
  /** The device attachments the spec's NICs and disks come from, at the revision read. */
  readonly devices?: ReadonlyArray<DeviceRevision>;
  /** The handle the agent stored when it created the workload, if any. */
  readonly handle?: WorkloadHandle;
  /** The image a snapshot goes into, while one is pending (agents on other hosts upload it there). */
  readonly pendingImageId?: string;
}

/** One device attachment at one generation (its compare-and-set token). */
export interface DeviceRevision {
  readonly id: string;
  readonly generation: number;
}

/** What one step produced; the control plane turns it into vm_state/task_state/power_state. */
export type StepOutcome =
  | {
      readonly kind: 'done';
      readonly power: PowerObservation;
      readonly handle?: WorkloadHandle;
      /**
       * A build made the workload with these attachments' devices already on it: they are
       * attached, and the device controller has nothing left to do for them.
       */
      readonly devices?: ReadonlyArray<DeviceRevision>;
    }
  | {
      readonly kind: 'failed';
      readonly message: string;
      readonly power?: PowerObservation;
      /** The driver said another host may succeed (a build is then rescheduled). */
      readonly retryable?: boolean;
    }
  | { readonly kind: 'destroyed' }
  | { readonly kind: 'observed'; readonly power: PowerObservation | 'missing'; readonly reason?: string };

/** Reads a workload's console log on the host that runs it. */
export type ConsoleLogReader = (serverId: string, lines?: number) => Promise<string>;

/** A host's serial consoles (in-process agents only: the HTTP transport carries no streams yet). */
export interface SerialConsoleServer {
  state(serverId: string): Promise<SerialConsoleState>;
  /** The workload's serial port as a stream; the caller ends it. */
  open(serverId: string): Promise<Duplex>;
}

export interface ServerControlPlane {
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
  /** Answers the control plane's console-log requests for the host's servers with `read`. */
  serveConsoleLogs(hostname: string, read: ConsoleLogReader): void;
  /** Serves the host's serial consoles; absent where the transport cannot carry a stream. */
  serveSerialConsoles?(hostname: string, consoles: SerialConsoleServer): void;
  /** Calls back with a server id whenever one assigned to the host changes; returns an unsubscribe. */
  watch(hostname: string, onChange: (serverId: string) => void): () => void;
}

/** One device attachment as its agent sees it. */
export interface AssignedDevice {
  readonly id: string;
  readonly generation: number;
  readonly desired: 'attached' | 'detached';
  readonly status: 'attaching' | 'attached' | 'detaching' | 'error';
  readonly device: WorkloadDevice;
}

/** The devices of one server assigned to this host, with what the agent needs to act on them. */
export interface AssignedDevices {
  readonly serverId: string;
  readonly vmState: string;
  /** Device steps wait while the server has a task in progress (build, resize, ...). */
  readonly taskState: string | null;
  readonly handle?: WorkloadHandle;
  readonly attachments: ReadonlyArray<AssignedDevice>;
}

/** What one device step produced. */
export type DeviceOutcome =
  | { readonly kind: 'attached' }
  | { readonly kind: 'detached' }
  | { readonly kind: 'failed'; readonly message: string };

export interface DeviceControlPlane {
  /** Ids of the host's servers that have a device attach or detach to carry out. */
  listPending(hostname: string): Promise<ReadonlyArray<string>>;
  /** The server's device attachments, if the server is (still) assigned to this host. */
  getAssigned(hostname: string, serverId: string): Promise<AssignedDevices | undefined>;
  /** Records a device step's outcome if the attachment is still at `generation`. */
  report(
    hostname: string,
    attachmentId: string,
    generation: number,
    outcome: DeviceOutcome,
  ): Promise<boolean>;
  /** Calls back with a server id whenever its devices need the agent; returns an unsubscribe. */
  watch(hostname: string, onChange: (serverId: string) => void): () => void;
  /**
   * The host's dataplane plugged (ACTIVE) or unplugged (DOWN) a port of the server, with
   * the binding:vif_type it wired; false when the network service did not take it (the
   * port is gone or bound to another host, the server not on this host).
   */
  reportPort(
    hostname: string,
    serverId: string,
    portId: string,
    status: 'ACTIVE' | 'DOWN',
    vifType: string,
  ): Promise<boolean>;
}
