import type { Selectable } from 'kysely';
import type { ImageMemberStatus, ImageMemberTable } from '../../db/tables/image-tables.js';
import type { Db } from '../../db/db-handle.js';

/** A project an image is shared with. */
export interface ImageMember {
  readonly imageId: string;
  readonly memberId: string;
  readonly status: ImageMemberStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const toMember = (r: Selectable<ImageMemberTable>): ImageMember => ({
  imageId: r.image_id,
  memberId: r.member_id,
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** True when the project holds a membership of any status (what makes a shared image visible). */
export async function isMember(db: Db, imageId: string, projectId: string): Promise<boolean> {
  return (await getMember(db, imageId, projectId)) !== undefined;
}

export async function getMember(db: Db, imageId: string, memberId: string): Promise<ImageMember | undefined> {
  const r = await db
    .selectFrom('image_members')
    .selectAll()
    .where('image_id', '=', imageId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return r && toMember(r);
}

/** Members of the image, or only `onlyMember`'s row when given (what a non-owner may see). */
export async function listMembers(db: Db, imageId: string, onlyMember?: string): Promise<ImageMember[]> {
  let q = db.selectFrom('image_members').selectAll().where('image_id', '=', imageId);
  if (onlyMember !== undefined) q = q.where('member_id', '=', onlyMember);
  return (await q.orderBy('created_at').orderBy('member_id').execute()).map(toMember);
}

export async function countMembers(db: Db, imageId: string): Promise<number> {
  const r = await db
    .selectFrom('image_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('image_id', '=', imageId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertMember(db: Db, m: ImageMember): Promise<void> {
  await db
    .insertInto('image_members')
    .values({
      image_id: m.imageId,
      member_id: m.memberId,
      status: m.status,
      created_at: m.createdAt,
      updated_at: m.updatedAt,
    })
    .execute();
}

export async function setMemberStatus(db: Db, m: ImageMember): Promise<void> {
  await db
    .updateTable('image_members')
    .set({ status: m.status, updated_at: m.updatedAt })
    .where('image_id', '=', m.imageId)
    .where('member_id', '=', m.memberId)
    .execute();
}

export async function deleteMember(db: Db, imageId: string, memberId: string): Promise<void> {
  await db
    .deleteFrom('image_members')
    .where('image_id', '=', imageId)
    .where('member_id', '=', memberId)
    .execute();
}
