import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { ConflictError, InputError } from '../../common/errors.js';
import type { Tx } from '../../db/db-handle.js';
import type { BackendPlacement } from './backend-placement.js';

const GiB = 1024 ** 3;
/** Placement's trait for a provider whose inventory the members of its aggregates share. */
export const sharesViaAggregate = 'MISC_SHARES_VIA_AGGREGATE';
/** The consumer type of a volume's allocation (Placement 1.38), so reconciling never touches others'. */
export const volumeConsumerType = 'VOLUME';
const raceCode = 'placement.concurrent_update';

export interface BackendCapacityOptions {
  /** The pool's provider: a uuid that stays the same across restarts, and Cinder's `host@backend#pool` name. */
  readonly uuid: string;
  readonly name: string;
  readonly poolDir: string;
  /** Cinder's max_over_subscription_ratio, as placement's allocation_ratio. */
  readonly overSubscriptionRatio: number;
  /** Cinder's reserved_percentage of the pool's capacity. */
  readonly reservedPercentage: number;
  readonly placement: BackendPlacement;
  /** The compute hosts' providers, which join the backend's aggregate. */
  readonly hostProviders: () => Promise<ReadonlyArray<string>>;
  readonly log: Logger;
}

export interface VolumeClaim {
  readonly id: string;
  readonly projectId: string;
  readonly userId: string;
  /** GiB: the volume's DISK_GB. */
  readonly size: number;
}

/**
 * The volume backend's pool as a placement sharing provider (DISK_GB: the pool file
 * system's capacity; over-subscription by Cinder's ratio), in an aggregate of its own
 * uuid the compute hosts' providers join. Every volume holds a DISK_GB allocation on it,
 * written in the transaction that writes the volume row, so placement is the one
 * capacity check and a crash can neither leak nor lose a claim.
 */
export class BackendCapacity {
  readonly #o: BackendCapacityOptions;
  #registered: Promise<void> | undefined;

  constructor(o: BackendCapacityOptions) {
    if (!(o.overSubscriptionRatio > 0)) throw new Error('volumeMaxOverSubscriptionRatio must be above 0');
    if (!(o.reservedPercentage >= 0 && o.reservedPercentage <= 100))
      throw new Error('volumeReservedPercentage must be between 0 and 100');
    this.#o = o;
  }

  get providerUuid(): string {
    return this.#o.uuid;
  }

  /** Resolves once the provider exists; call it before opening a transaction that claims. */
  ready(): Promise<void> {
    this.#registered ??= this.register().catch((err: unknown) => {
      this.#registered = undefined;
      throw err;
    });
    return this.#registered;
  }

  /**
   * Creates or updates the provider from the pool's capacity now (idempotent; changes
   * nothing when nothing changed) and puts it and every compute host in its aggregate.
   */
  async register(): Promise<void> {
    const o = this.#o;
    const total = Math.max(1, Math.floor((await fileSystemBytes(o.poolDir)) / GiB));
    const reserved = Math.ceil((total * o.reservedPercentage) / 100);
    const provider = {
      uuid: o.uuid,
      name: o.name,
      inventories: { DISK_GB: { total, reserved, allocationRatio: o.overSubscriptionRatio } },
      traits: [sharesViaAggregate],
      ratiosAreConfig: true,
    };
    // A pool that shrank below its volumes is accepted (placement logs it); new claims then fail.
    await o.placement.ensureProvider(provider);
    await o.placement.setAggregateMembership(o.uuid, o.uuid, true);
  }

  /** Puts every compute host's provider in the backend's aggregate (hosts register after block storage starts). */
  async joinHosts(): Promise<void> {
    for (const host of await this.#o.hostProviders())
      await this.#o.placement.setAggregateMembership(host, this.#o.uuid, true);
  }

  /**
   * Sets the volume's DISK_GB claim to its size inside the caller's transaction. No room
   * at the ratio: Cinder's no-valid-backend refusal (400), and the caller's transaction
   * rolls back. A lost race rethrows for `retryClaimRaces`.
   */
  async claimIn(tx: Tx, v: VolumeClaim, action: 'creation' | 'extension'): Promise<void> {
    try {
      await this.#o.placement.writeAllocationsInTx(tx, {
        consumerId: v.id,
        projectId: v.projectId,
        userId: v.userId,
        consumerType: volumeConsumerType,
        allocations: [{ providerId: this.#o.uuid, resources: { DISK_GB: v.size } }],
      });
    } catch (err) {
      if (err instanceof ConflictError && err.code !== raceCode) throw noValidBackend(action, v.size);
      throw err;
    }
  }

  /** Removes the volume's claim inside the caller's transaction (the volume row goes with it). */
  async releaseIn(tx: Tx, volumeId: string): Promise<void> {
    await this.#o.placement.writeAllocationsInTx(tx, {
      consumerId: volumeId,
      projectId: '',
      userId: '',
      allocations: [],
    });
  }

  /** The volumes' claims on the provider now, by volume id. */
  async claims(): Promise<Map<string, number>> {
    const consumers = await this.#o.placement.providerConsumers(this.#o.uuid);
    return new Map(
      consumers
        .filter((c) => c.consumerType === volumeConsumerType)
        .map((c) => [c.consumerId, c.resources['DISK_GB'] ?? 0]),
    );
  }
}

/** Cinder's NoValidBackend, with its capacity filter's reason; the caller changed nothing. */
function noValidBackend(action: 'creation' | 'extension', size: number): InputError {
  return new InputError(
    'volume.volume.no_valid_backend',
    `No valid backend was found. Insufficient free space for volume ${action} (requested: ${size} GB).`,
  );
}

/** Runs a write that claims capacity again when it lost a generation race to another claim. */
export async function retryClaimRaces<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      const race = err instanceof ConflictError && err.code === raceCode;
      if (!race || attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
    }
  }
}

/** Size of the file system holding `dir` (or its nearest existing parent). */
async function fileSystemBytes(dir: string): Promise<number> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      const s = await statfs(d);
      return s.blocks * s.bsize;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || d === dirname(d)) throw err;
    }
  }
}
