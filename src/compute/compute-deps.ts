import type { VolumeApi } from '../volume/volume-api.js';
import type {
  DeviceControlPlane,
  HostControlPlane,
  ImageControlPlane,
  NetworkControlPlane,
  SerialConsoleServer,
  ServerControlPlane,
} from '../agent/transport/control-plane.js';
import type { Clock } from '../common/time.js';
import type { StrataConfig } from '../common/config.js';
import type { StrataDb } from '../db/database.js';
import type { ImageApi, ImageRecord } from '../image/index.js';
import type { NetworkApi } from '../network/index.js';
import type { SchedulerPlacement } from '../scheduler/placement-port.js';
import type { HostEvents } from './agent-gateway/host-events.js';

/** Compute talks to the image service through its in-process API, as Nova uses a Glance client. */
export type ComputeImage = ImageRecord;
export type ComputeImages = Pick<
  ImageApi,
  | 'getImage'
  | 'createImage'
  | 'uploadImageData'
  | 'imageDataPath'
  | 'deleteImage'
  | 'listImages'
  | 'setProperties'
>;

/** Wakes the controllers that act on servers, so work starts without waiting for a resync. */
export interface ComputeSignals {
  /** New servers wait in task_state 'scheduling'. */
  scheduling(): void;
  /**
   * A server assigned to `host` has work for its agent; `server` when only its server
   * controller has (a build brings its devices, and its report wakes the device controller).
   */
  host(host: string, serverId: string, only?: 'server'): void;
  /** A server's host-side work finished (deletions to finalize, allocations to release). */
  finalize(serverId: string): void;
  /** A host registered or its operator status changed: the scheduler's cached views are out of date. */
  hostsChanged(): void;
  /** A server's block device mappings have work (volumes to make before the build, or to delete after). */
  blockDevices(serverId: string): void;
}

/** Placement's call for agents registering their host (the placement service's API satisfies it). */
export interface ProviderRegistry {
  removeProvider(uuid: string): Promise<void>;
  /** Puts a provider in (or takes it out of) a placement aggregate; false when there is no such provider. */
  setAggregateMembership(providerUuid: string, aggregateUuid: string, member: boolean): Promise<boolean>;
  ensureProvider(p: {
    uuid: string;
    name: string;
    inventories: Record<
      string,
      { total: number; reserved?: number; allocationRatio?: number; maxUnit?: number }
    >;
    traits: ReadonlyArray<string>;
  }): Promise<void>;
}

/** Asks a host's agent for a server's console log (in-process agents, or over the agent transport). */
export interface ComputeConsoles {
  consoleLog(host: string, serverId: string, tailLines?: number): Promise<string>;
  /** The host's serial consoles when its agent runs in this process; undefined for remote hosts. */
  serial(host: string): SerialConsoleServer | undefined;
}

/**
 * The control plane as the agent API serves it to remote agents: the agents' own calls,
 * their hosts' change notices and console replies (the AgentGateway is one). Naming only
 * this keeps the gateway, and all it imports, out of the deps every compute module reads.
 */
export interface AgentControlPlane extends HostControlPlane, ServerControlPlane {
  readonly devices: DeviceControlPlane;
  readonly networks: NetworkControlPlane;
  readonly images: ImageControlPlane;
  readonly changes: Pick<HostEvents, 'since'>;
  /** A remote agent's console log (or why it has none); false when nobody waits for it any more. */
  answerConsole(requestId: string, reply: { output?: string; error?: string }): boolean;
}

/** The identity service as compute sees it. */
export interface ComputeProjects {
  exists(projectId: string): Promise<boolean>;
}

/** What the compute service needs; other services arrive as their in-process APIs. */
export interface ComputeDeps {
  readonly store: StrataDb;
  readonly clock: Clock;
  readonly config: StrataConfig;
  readonly images: ComputeImages;
  readonly placement: SchedulerPlacement & ProviderRegistry;
  /** Identity's answer to "does this project exist", as Nova asks Keystone; absent, every id passes. */
  readonly projects?: ComputeProjects;
  /** The network service's in-process API, as Nova's Neutron client. */
  readonly network: NetworkApi;
  readonly signals: ComputeSignals;
  readonly consoles: ComputeConsoles;
  /** 'spread' (default) or 'pack' servers across hosts. */
  readonly schedulerStrategy: 'spread' | 'pack';
  /** A host whose last heartbeat is older than this is down. */
  readonly serviceDownTimeSec: number;
  /** The control plane host agents talk to (made after these deps, hence late-bound). */
  readonly controlPlane: () => AgentControlPlane;
  /** Block storage's in-process API (built after compute, hence late-bound); undefined when not served. */
  readonly volumes: () => VolumeApi | undefined;
}
