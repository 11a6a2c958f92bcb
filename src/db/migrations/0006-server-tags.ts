import type { Kysely, Migration } from 'kysely';

/**
 * Server tags (compute 2.26) in their own table, as Nova keeps them, so the list filters
 * (tags, tags-any, not-tags, not-tags-any) run in SQL before LIMIT. The JSON `servers.tags`
 * column of 0004 was never written with anything but '[]' and is no longer read.
 */
export const serverTagsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('server_tags')
      .addColumn('server_id', 'varchar(36)', (c) => c.notNull().references('servers.id').onDelete('cascade'))
      .addColumn('tag', 'varchar(60)', (c) => c.notNull())
      .addPrimaryKeyConstraint('server_tags_pk', ['server_id', 'tag'])
      .execute();
    await db.schema.createIndex('server_tags_tag').on('server_tags').column('tag').execute();
  },
};
