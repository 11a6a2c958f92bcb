import type { Selectable } from 'kysely';
import type { KeypairTable } from '../../db/schema.js';
import type { Db } from '../../db/db-handle.js';

export interface Keypair {
  /** Nova's integer row id, assigned by the database on insert. */
  readonly id: number;
  readonly userId: string;
  readonly name: string;
  readonly type: 'ssh' | 'x509';
  readonly publicKey: string;
  readonly fingerprint: string;
  readonly createdAt: string;
}

/** A key pair before the database has numbered it. */
export type NewKeypair = Omit<Keypair, 'id'>;

const toKeypair = (r: Readonly<Selectable<KeypairTable>>): Keypair => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  type: r.type,
  publicKey: r.public_key,
  fingerprint: r.fingerprint,
  createdAt: r.created_at,
});

export async function listKeypairs(db: Db, userId: string): Promise<Keypair[]> {
  const rows = await db
    .selectFrom('keypairs')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('name')
    .execute();
  return rows.map(toKeypair);
}

export async function getKeypair(db: Db, userId: string, name: string): Promise<Keypair | undefined> {
  const r = await db
    .selectFrom('keypairs')
    .selectAll()
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .executeTakeFirst();
  return r && toKeypair(r);
}

/** Returns the pair with the id the database assigned. */
export async function insertKeypair(db: Db, k: NewKeypair): Promise<Keypair> {
  const r = await db
    .insertInto('keypairs')
    .values({
      user_id: k.userId,
      name: k.name,
      type: k.type,
      public_key: k.publicKey,
      fingerprint: k.fingerprint,
      created_at: k.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...k, id: r.id };
}

/** Returns false when the user had no such key pair. */
export async function deleteKeypair(db: Db, userId: string, name: string): Promise<boolean> {
  const r = await db
    .deleteFrom('keypairs')
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
