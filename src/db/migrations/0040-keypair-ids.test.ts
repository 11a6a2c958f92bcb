import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { deleteKeypair, getKeypair, insertKeypair } from '../../compute/keypairs/keypair-store.js';
import { testDialects } from '../testing/dialects.js';
import { keypairIdsMigration } from './0040-keypair-ids.js';
import { useTestStore } from '../testing/test-store.js';

const pair = (userId: string, name: string, createdAt: string) => ({
  userId,
  name,
  type: 'ssh' as const,
  publicKey: `ssh-ed25519 AAAA ${name}`,
  fingerprint: '00:11',
  createdAt,
});

/** The table as 0004 made it, before ids: what a cloud upgrading to 0040 holds. */
async function recreateUnnumbered(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('keypairs').execute();
  await db.schema
    .createTable('keypairs')
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('type', 'varchar(8)', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'varchar(128)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('keypairs_pk', ['user_id', 'name'])
    .execute();
}

for (const dialect of testDialects()) {
  describe(`${dialect}: 0040-keypair-ids`, () => {
    const store = useTestStore(dialect);

    it('assigns each new key pair the next integer id, never reusing a deleted one', async () => {
      const db = store().db;
      const a = await insertKeypair(db, pair('u1', 'a', '2026-01-01T00:00:00.000Z'));
      const b = await insertKeypair(db, pair('u2', 'a', '2026-01-01T00:00:00.000Z'));
      expect(b.id).toBe(a.id + 1);
      expect((await getKeypair(db, 'u2', 'a'))?.id).toBe(b.id);
      await deleteKeypair(db, 'u2', 'a');
      const c = await insertKeypair(db, pair('u2', 'a', '2026-01-02T00:00:00.000Z'));
      expect(c.id).toBe(b.id + 1);
    });

    it('still refuses a second pair of one name for one user', async () => {
      await expect(insertKeypair(store().db, pair('u1', 'a', '2026-01-03T00:00:00.000Z'))).rejects.toSatisfy(
        (e) => store().traits.isUniqueViolation(e),
      );
    });

    it('numbers the pairs a cloud already had in the order they were created, then counts on', async () => {
      const db = store().db as unknown as Kysely<unknown>;
      await recreateUnnumbered(db);
      const rows = [
        pair('u1', 'late', '2026-02-03T00:00:00.000Z'),
        pair('u2', 'early', '2026-02-01T00:00:00.000Z'),
        pair('u1', 'middle', '2026-02-02T00:00:00.000Z'),
      ].map((k) => ({
        user_id: k.userId,
        name: k.name,
        type: k.type,
        public_key: k.publicKey,
        fingerprint: k.fingerprint,
        created_at: k.createdAt,
      }));
      await (db as Kysely<{ keypairs: (typeof rows)[number] }>).insertInto('keypairs').values(rows).execute();
      await keypairIdsMigration.up(db);
      const ids = await store().db.selectFrom('keypairs').select(['name', 'id']).orderBy('id').execute();
      expect(ids).toEqual([
        { name: 'early', id: 1 },
        { name: 'middle', id: 2 },
        { name: 'late', id: 3 },
      ]);
      const next = await insertKeypair(store().db, pair('u3', 'new', '2026-02-04T00:00:00.000Z'));
      expect(next.id).toBe(4);
    });
  });
}
