import type { SoakApi } from './soak-api.js';
import type { SoakLedger } from './soak-ledger.js';
import type { SoakTally } from './soak-tally.js';

/** What a flavor claims in placement, as the invariants add it up. */
export interface FlavorSize {
  readonly vcpus: number;
  readonly ram: number;
  readonly disk: number;
}

/** What the soak's setup made for its clients to use. */
export interface SoakSetup {
  readonly adminProjectId: string;
  readonly flavorId: string;
  /** A small raw image the fake driver boots. */
  readonly vmImageId: string;
  /** The registered container test image, when runc runs here. */
  readonly containerImageId: string | undefined;
  /** The bootable VM test image and its flavor, when QEMU VMs run in this soak. */
  readonly qemu: { readonly imageId: string; readonly flavorId: string } | undefined;
  /** Each soak flavor's size by id, for the placement check. */
  readonly flavorSizes: ReadonlyMap<string, FlavorSize>;
}

/** Shared by every client and check of one soak run. */
export interface SoakContext {
  readonly api: SoakApi;
  readonly ledger: SoakLedger;
  readonly tally: SoakTally;
  readonly setup: SoakSetup;
  /** How long a server may stay in a task (BUILD, a task_state) before it counts as stuck. */
  readonly taskTimeoutMs: number;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
