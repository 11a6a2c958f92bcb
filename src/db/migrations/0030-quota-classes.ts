import type { Kysely, Migration } from 'kysely';

/** Nova's quota_classes: limits per class name; the class 'default' feeds every project's defaults. */
export const quotaClassesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('compute_quota_classes')
      .addColumn('class_name', 'varchar(255)', (c) => c.notNull())
      .addColumn('resource', 'varchar(64)', (c) => c.notNull())
      .addColumn('hard_limit', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('compute_quota_classes_pk', ['class_name', 'resource'])
      .execute();
  },
};
