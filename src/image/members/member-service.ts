import { InputError, NotFoundError, OverLimitError } from '../../common/errors.js';
import { uniqueWrite } from '../../db/unique-write.js';
import type { ImageMemberStatus } from '../../db/tables/image-tables.js';
import type { ImageCaller, ImageDeps } from '../image-deps.js';
import { imageConflict, imageForbidden, imageItemLimit } from '../image-errors.js';
import { findVisibleImage } from '../images/image-service.js';
import type { Image } from '../images/image-store.js';
import { missingImage } from '../tags/tag-service.js';
import type { ImageMember } from './member-store.js';
import * as store from './member-store.js';

const statuses: ReadonlyArray<string> = ['pending', 'accepted', 'rejected'];

/** The image behind a member URL: visible, and shared (only shared images have members). */
async function sharedImage(
  deps: ImageDeps,
  caller: ImageCaller,
  id: string,
  refused: string,
): Promise<Image> {
  const image = await findVisibleImage(deps, caller, id, missingImage(id));
  if (image.visibility !== 'shared') throw imageForbidden(refused);
  return image;
}

const isOwner = (caller: ImageCaller, image: Image) => caller.isAdmin || caller.projectId === image.owner;

/** `POST /v2/images/{id}/members`: the owner shares its image; the member starts pending. */
export async function addMember(
  deps: ImageDeps,
  caller: ImageCaller,
  id: string,
  body: unknown,
): Promise<ImageMember> {
  const memberId = memberIdOf(body);
  const refused = `Not allowed to create members for image ${id}.`;
  const image = await sharedImage(deps, caller, id, refused);
  if (!isOwner(caller, image)) throw imageForbidden(refused);
  const count = await store.countMembers(deps.store.db, id);
  if (count + 1 > imageItemLimit) {
    throw new OverLimitError(
      'image.limit.members',
      `Image member limit exceeded for image ${id}: The limit has been exceeded on the number of allowed image members for this image. Attempted: ${count + 1}, Maximum: ${imageItemLimit}:`,
    );
  }
  const now = deps.clock().toISOString();
  const member: ImageMember = { imageId: id, memberId, status: 'pending', createdAt: now, updatedAt: now };
  await uniqueWrite(
    deps.store.traits,
    () => store.insertMember(deps.store.db, member),
    () => imageConflict(`Member ${memberId} is duplicated for image ${id}`),
  );
  return member;
}

/** The owner (and admins) see every member; a member sees only its own membership. */
export async function listMembers(deps: ImageDeps, caller: ImageCaller, id: string): Promise<ImageMember[]> {
  const image = await sharedImage(
    deps,
    caller,
    id,
    `Not allowed to list members for image ${id}: Only shared images have members.`,
  );
  return store.listMembers(deps.store.db, id, isOwner(caller, image) ? undefined : caller.projectId);
}

/** `GET .../members/{member}`; Glance answers 404, never 403, so nothing leaks. */
export async function showMember(deps: ImageDeps, caller: ImageCaller, id: string, memberId: string) {
  const image = await findVisibleImage(deps, caller, id, missingImage(id));
  if (image.visibility !== 'shared')
    throw new NotFoundError('image.member.not_shared', 'Only shared images have members.');
  return findMember(deps, caller, image, memberId);
}

/** `PUT .../members/{member}`: only the member itself accepts, rejects or re-pends a share. */
export async function updateMember(
  deps: ImageDeps,
  caller: ImageCaller,
  id: string,
  memberId: string,
  body: unknown,
): Promise<ImageMember> {
  const status = statusOf(body);
  const refused = `Not allowed to update members for image ${id}.`;
  const image = await sharedImage(deps, caller, id, refused);
  if (!caller.isAdmin && caller.projectId === image.owner) throw imageForbidden(refused);
  const member = await findMember(deps, caller, image, memberId);
  const next: ImageMember = { ...member, status, updatedAt: deps.clock().toISOString() };
  await store.setMemberStatus(deps.store.db, next);
  return next;
}

/** `DELETE .../members/{member}`: the owner stops sharing with a project. */
export async function removeMember(deps: ImageDeps, caller: ImageCaller, id: string, memberId: string) {
  const refused = `Not allowed to delete members for image ${id}.`;
  const image = await sharedImage(deps, caller, id, refused);
  if (!isOwner(caller, image)) throw imageForbidden(refused);
  await findMember(deps, caller, image, memberId);
  await store.deleteMember(deps.store.db, id, memberId);
}

async function findMember(deps: ImageDeps, caller: ImageCaller, image: Image, memberId: string) {
  const visible = isOwner(caller, image) || memberId === caller.projectId;
  const member = visible ? await store.getMember(deps.store.db, image.id, memberId) : undefined;
  if (member === undefined) {
    throw new NotFoundError(
      'image.member.not_found',
      `${memberId} not found in the member list of the image ${image.id}.`,
    );
  }
  return member;
}

function memberIdOf(body: unknown): string {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw bad('Expected a member in the form: {"member": "image_id"}');
  const member = (body as Record<string, unknown>)['member'];
  if (member === undefined) throw bad('Member to be added not specified');
  if (member === '' || member === null) throw bad("Member can't be empty");
  return String(member);
}

function statusOf(body: unknown): ImageMemberStatus {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw bad('Expected a status in the form: {"status": "status"}');
  const status = (body as Record<string, unknown>)['status'];
  if (status === undefined) throw bad('Status not specified');
  if (!statuses.includes(String(status)))
    throw bad('Incorrect request: Status must be "pending", "accepted" or "rejected".');
  return status as ImageMemberStatus;
}

function bad(message: string): InputError {
  return new InputError('image.member.bad', message);
}
