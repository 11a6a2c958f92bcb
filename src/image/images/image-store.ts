import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { flag, isSet } from '../../db/row-codec.js';
import type { ImageStatus, ImageTable, ImageVisibility } from '../../db/tables/image-tables.js';
import type { Db } from '../../db/db-handle.js';
import { prepareQuery } from '../../db/prepared-query.js';

/** An image as the service sees it: the row plus its extra properties and tags. */
export interface Image {
  readonly id: string;
  readonly name: string | null;
  readonly status: ImageStatus;
  readonly visibility: ImageVisibility;
  readonly protected: boolean;
  readonly osHidden: boolean;
  readonly owner: string;
  readonly diskFormat: string | null;
  readonly containerFormat: string | null;
  readonly size: number | null;
  readonly virtualSize: number | null;
  readonly checksum: string | null;
  readonly osHashAlgo: string | null;
  readonly osHashValue: string | null;
  readonly minDisk: number;
  readonly minRam: number;
  readonly properties: Readonly<Record<string, string>>;
  readonly tags: ReadonlyArray<string>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The columns a status change may set along with the status. */
export type ImageDataFields = Partial<
  Pick<Image, 'size' | 'checksum' | 'osHashAlgo' | 'osHashValue' | 'virtualSize'>
>;

type ImageRow = Selectable<ImageTable>;

function toImage(r: ImageRow, properties: Record<string, string>, tags: string[]): Image {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    visibility: r.visibility,
    protected: isSet(r.protected),
    osHidden: isSet(r.os_hidden),
    owner: r.owner,
    diskFormat: r.disk_format,
    containerFormat: r.container_format,
    size: r.size === null ? null : Number(r.size),
    virtualSize: r.virtual_size === null ? null : Number(r.virtual_size),
    checksum: r.checksum,
    osHashAlgo: r.os_hash_algo,
    osHashValue: r.os_hash_value,
    minDisk: r.min_disk,
    minRam: r.min_ram,
    properties,
    tags: [...tags].sort(),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Which of `ids` are images that exist and are not deleted. */
export async function liveImageIds(db: Db, ids: ReadonlyArray<string>): Promise<Set<string>> {
  const live = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('images')
      .select('id')
      .where('id', 'in', ids.slice(i, i + 500))
      .where('status', '!=', 'deleted')
      .execute();
    for (const r of rows) live.add(r.id);
  }
  return live;
}

/** The image, unless it does not exist or is deleted. */
export async function getImage(db: Db, id: string): Promise<Image | undefined> {
  const r = await liveImage.first(db, { id });
  if (r === undefined) return undefined;
  const details = await detailsOf.all(db, { id });
  return toImage(
    r,
    Object.fromEntries(details.flatMap((d) => (d.name === null ? [] : [[d.name, d.value]]))),
    details.flatMap((d) => (d.name === null ? [d.value] : [])),
  );
}

/** One image's tags (rows without a name) and properties, in one statement. */
const detailsOf = prepareQuery((db, p: { id: string }) =>
  db
    .selectFrom('image_tags')
    .select([sql<string | null>`null`.as('name'), 'value'])
    .where('image_id', '=', p.id)
    .unionAll(db.selectFrom('image_properties').select(['name', 'value']).where('image_id', '=', p.id)),
);

const liveImage = prepareQuery((db, p: { id: string }) =>
  db.selectFrom('images').selectAll().where('id', '=', p.id).where('status', '!=', 'deleted'),
);

/** Attaches properties and tags to rows with one query, whatever the number of rows. */
export async function withDetails(db: Db, rows: ReadonlyArray<ImageRow>): Promise<Image[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  // A tag is a row without a name: both kinds come back in one statement.
  const details = await db
    .selectFrom('image_tags')
    .select(['image_id', sql<string | null>`null`.as('name'), 'value'])
    .where('image_id', 'in', ids)
    .unionAll(
      db.selectFrom('image_properties').select(['image_id', 'name', 'value']).where('image_id', 'in', ids),
    )
    .execute();
  return rows.map((r) => {
    const own = details.filter((d) => d.image_id === r.id);
    return toImage(
      r,
      Object.fromEntries(own.flatMap((d) => (d.name === null ? [] : [[d.name, d.value]]))),
      own.flatMap((d) => (d.name === null ? [d.value] : [])),
    );
  });
}

export async function insertImage(db: Db, image: Image): Promise<void> {
  await db
    .insertInto('images')
    .values({
      ...metadataRow(image),
      id: image.id,
      status: image.status,
      size: image.size,
      virtual_size: image.virtualSize,
      checksum: image.checksum,
      os_hash_algo: image.osHashAlgo,
      os_hash_value: image.osHashValue,
      created_at: image.createdAt,
      deleted_at: null,
    })
    .execute();
  await replaceDetails(db, image);
}

/**
 * Writes the metadata a PATCH may change (never status or data columns, which only
 * `setStatus` moves), if the status is still `expect`.
 */
export async function saveImage(db: Db, image: Image, expect: ImageStatus): Promise<boolean> {
  const r = await db
    .updateTable('images')
    .set(metadataRow(image))
    .where('id', '=', image.id)
    .where('status', '=', expect)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return false;
  await replaceDetails(db, image);
  return true;
}

/** Compare-and-set on status: false when someone else moved the image first. */
export async function setStatus(
  db: Db,
  id: string,
  from: ImageStatus,
  to: ImageStatus,
  at: string,
  data: ImageDataFields = {},
): Promise<boolean> {
  const r = await db
    .updateTable('images')
    .set({
      status: to,
      updated_at: at,
      ...(data.size !== undefined && { size: data.size }),
      ...(data.checksum !== undefined && { checksum: data.checksum }),
      ...(data.osHashAlgo !== undefined && { os_hash_algo: data.osHashAlgo }),
      ...(data.osHashValue !== undefined && { os_hash_value: data.osHashValue }),
      ...(data.virtualSize !== undefined && { virtual_size: data.virtualSize }),
      ...(to === 'deleted' && { deleted_at: at }),
    })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Marks the image deleted (the row stays so its id is never reused) and drops what hangs off it. */
export async function markDeleted(db: Db, id: string, from: ImageStatus, at: string): Promise<boolean> {
  if (!(await setStatus(db, id, from, 'deleted', at))) return false;
  await db.deleteFrom('image_members').where('image_id', '=', id).execute();
  await db.deleteFrom('image_tags').where('image_id', '=', id).execute();
  await db.deleteFrom('image_properties').where('image_id', '=', id).execute();
  return true;
}

/** Ids of every image in `status` (the import task resumes those left importing). */
export async function imageIdsWithStatus(db: Db, status: ImageStatus): Promise<string[]> {
  const rows = await db.selectFrom('images').select('id').where('status', '=', status).execute();
  return rows.map((r) => r.id);
}

async function replaceDetails(db: Db, image: Image): Promise<void> {
  await db.deleteFrom('image_properties').where('image_id', '=', image.id).execute();
  await db.deleteFrom('image_tags').where('image_id', '=', image.id).execute();
  const props = Object.entries(image.properties).map(([name, value]) => ({
    image_id: image.id,
    name,
    value,
  }));
  if (props.length > 0) await db.insertInto('image_properties').values(props).execute();
  const tags = image.tags.map((value) => ({ image_id: image.id, value }));
  if (tags.length > 0) await db.insertInto('image_tags').values(tags).execute();
}

function metadataRow(i: Image) {
  return {
    name: i.name,
    visibility: i.visibility,
    protected: flag(i.protected),
    os_hidden: flag(i.osHidden),
    owner: i.owner,
    disk_format: i.diskFormat,
    container_format: i.containerFormat,
    min_disk: i.minDisk,
    min_ram: i.minRam,
    updated_at: i.updatedAt,
  };
}
