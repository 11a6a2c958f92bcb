import type { Kysely, Migration } from 'kysely';

/**
 * Block storage attachments as Cinder's attachments API (3.27) and legacy attach actions
 * record them: the connector a consumer sent, the connection_info answered, the attach
 * mode, and who drives the attachment (`compute`: Strata's device seam puts the disk on
 * the server; `api`: an outside consumer attaches it and reports back).
 */
export const volumeAttachmentsApiMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('volume_attachments').addColumn('connector', 'text').execute();
    await db.schema.alterTable('volume_attachments').addColumn('connection_info', 'text').execute();
    await db.schema.alterTable('volume_attachments').addColumn('attach_mode', 'varchar(8)').execute();
    await db.schema
      .alterTable('volume_attachments')
      .addColumn('driver', 'varchar(16)', (c) => c.notNull().defaultTo('compute'))
      .execute();
  },
};
