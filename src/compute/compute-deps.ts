import type { Clock } from '../common/time.js';
import type { StrataConfig } from '../common/config.js';
import type { StrataDb } from '../db/database.js';
import type { SchedulerPlacement } from '../scheduler/placement-port.js';

/** The image as compute needs it (the image service's ImageRecord satisfies this). */
export interface ComputeImage {
  readonly id: string;
  readonly name: string | null;
  readonly status: string;
  readonly diskFormat: string | null;
  readonly containerFormat: string | null;
  readonly size: number | null;
  readonly minDisk: number;
  readonly minRam: number;
  readonly properties: Readonly<Record<string, string>>;
}

/** The part of the image service's in-process API compute calls. */
export interface ComputeImages {
  getImage(
    caller: { projectId: string; isAdmin: boolean },
    imageId: string,
  ): Promise<ComputeImage | undefined>;
  createImage(
    owner: { projectId: string },
    fields: {
      name: string;
      diskFormat?: string;
      containerFormat?: string;
      visibility?: string;
      minDisk?: number;
      minRam?: number;
      properties?: Record<string, string>;
    },
  ): Promise<ComputeImage>;
  uploadImageData(imageId: string, data: NodeJS.ReadableStream | Buffer): Promise<ComputeImage>;
  imageDataPath(imageId: string): string;
}

/** Wakes the controllers that act on servers, so work starts without waiting for a resync. */
export interface ComputeSignals {
  /** New servers wait in task_state 'scheduling'. */
  scheduling(): void;
  /** A server assigned to `host` has work for its agent. */
  host(host: string, serverId: string): void;
  /** A server's host-side work finished (deletions to finalize, allocations to release). */
  finalize(serverId: string): void;
}

/** Placement's call for agents registering their host (the placement service's API satisfies it). */
export interface ProviderRegistry {
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
}

/** What the compute service needs; other services arrive as their in-process APIs. */
export interface ComputeDeps {
  readonly store: StrataDb;
  readonly clock: Clock;
  readonly config: StrataConfig;
  readonly images: ComputeImages;
  readonly placement: SchedulerPlacement & ProviderRegistry;
  readonly signals: ComputeSignals;
  readonly consoles: ComputeConsoles;
  /** 'spread' (default) or 'pack' servers across hosts. */
  readonly schedulerStrategy: 'spread' | 'pack';
  /** A host whose last heartbeat is older than this is down. */
  readonly serviceDownTimeSec: number;
}
