import type { Kysely, Migration } from 'kysely';

/**
 * Block storage and images, boot from volume: a volume remembers the image it was made
 * from (`image_id`, Cinder's volume_glance_metadata as JSON in `image_metadata`) and
 * whether it is `bootable`; while `uploading` it names the image it fills. A server's
 * requested block devices (Nova's block_device_mapping) are rows of
 * `server_block_devices`, the volume they became filled in once block storage made it.
 */
export const volumeImagesBootMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('volumes')
      .addColumn('bootable', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('volumes').addColumn('image_id', 'varchar(36)').execute();
    await db.schema
      .alterTable('volumes')
      .addColumn('image_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema.alterTable('volumes').addColumn('upload_image_id', 'varchar(36)').execute();
    await db.schema
      .createTable('server_block_devices')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('server_id', 'varchar(36)', (c) => c.notNull())
      .addColumn('source_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('destination_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('uuid', 'varchar(36)')
      .addColumn('volume_size', 'integer')
      .addColumn('boot_index', 'integer')
      .addColumn('device_name', 'varchar(255)')
      .addColumn('delete_on_termination', 'integer', (c) => c.notNull())
      .addColumn('volume_id', 'varchar(36)')
      .addColumn('position', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('server_block_devices_server')
      .on('server_block_devices')
      .column('server_id')
      .execute();
  },
};
