import { randomBytes } from 'node:crypto';
import type { StrataDb } from '../../db/database.js';
import type { Clock } from '../../common/time.js';

export interface TokenKey {
  readonly id: number;
  readonly key: Buffer;
}

export interface TokenKeyRotation {
  /** How often the primary key is replaced. */
  readonly rotateAfterMs: number;
  /** Keys kept for decryption (primary + staged + secondaries), as Keystone's max_active_keys. */
  readonly maxActiveKeys: number;
}

/**
 * The key repository, held in the database so every API process shares it. Like Fernet's
 * repository there is always a staged key (the next primary), one primary that encrypts,
 * and secondaries that still decrypt tokens issued before the last rotations.
 */
export class TokenKeyRing {
  #primary: TokenKey | undefined;
  #byId = new Map<number, TokenKey>();

  constructor(
    readonly store: StrataDb,
    readonly clock: Clock,
    readonly rotation: TokenKeyRotation,
  ) {}

  primary(): TokenKey {
    if (this.#primary === undefined) throw new Error('token keys not loaded');
    return this.#primary;
  }

  /** The key with this id, reloading once from the database if another process rotated. */
  async find(id: number): Promise<TokenKey | undefined> {
    if (!this.#byId.has(id)) await this.load();
    return this.#byId.get(id);
  }

  /** Creates the first keys if there are none, rotates if the primary is due, then loads. */
  async ensure(): Promise<void> {
    const rows = await this.store.db.selectFrom('token_keys').selectAll().execute();
    if (rows.length === 0) {
      const now = this.clock().toISOString();
      await this.store.db
        .insertInto('token_keys')
        .values([
          { id: 1, key: newKey(), state: 'primary', created_at: now },
          { id: 2, key: newKey(), state: 'staged', created_at: now },
        ])
        .onConflict((oc) => oc.doNothing())
        .execute();
    } else {
      const primary = rows.find((r) => r.state === 'primary');
      if (primary && this.clock().getTime() - Date.parse(primary.created_at) >= this.rotation.rotateAfterMs)
        await this.rotate();
    }
    await this.load();
  }

  /** Promotes staged to primary, demotes the primary, stages a new key, prunes the oldest. */
  async rotate(): Promise<void> {
    await this.store.db.transaction().execute(async (tx) => {
      const rows = await tx.selectFrom('token_keys').selectAll().orderBy('id', 'asc').execute();
      const staged = rows.find((r) => r.state === 'staged');
      const primary = rows.find((r) => r.state === 'primary');
      if (!staged || !primary) throw new Error('token key repository is incomplete');
      const now = this.clock().toISOString();
      await tx.updateTable('token_keys').set({ state: 'secondary' }).where('id', '=', primary.id).execute();
      // created_at of the new primary restarts its rotation period.
      await tx.deleteFrom('token_keys').where('id', '=', staged.id).execute();
      await tx
        .insertInto('token_keys')
        .values({ id: staged.id, key: staged.key, state: 'primary', created_at: now })
        .execute();
      const nextId = Math.max(...rows.map((r) => r.id)) + 1;
      await tx
        .insertInto('token_keys')
        .values({ id: nextId, key: newKey(), state: 'staged', created_at: now })
        .execute();
      const secondaries = rows.filter((r) => r.state === 'secondary').map((r) => r.id);
      const keepSecondaries = Math.max(0, this.rotation.maxActiveKeys - 3);
      const drop = secondaries.slice(0, Math.max(0, secondaries.length - keepSecondaries));
      if (drop.length > 0) await tx.deleteFrom('token_keys').where('id', 'in', drop).execute();
    });
    await this.load();
  }

  async load(): Promise<void> {
    const rows = await this.store.db.selectFrom('token_keys').selectAll().execute();
    this.#byId = new Map(rows.map((r) => [r.id, { id: r.id, key: Buffer.from(r.key, 'base64') }]));
    const primary = rows.find((r) => r.state === 'primary');
    this.#primary = primary ? this.#byId.get(primary.id) : undefined;
  }
}

function newKey(): string {
  return randomBytes(32).toString('base64');
}
