import { secondsTime } from '../../common/time.js';
import type { ImageMember } from './member-store.js';

/** Glance's image member JSON. */
export function memberView(m: ImageMember) {
  return {
    member_id: m.memberId,
    image_id: m.imageId,
    status: m.status,
    created_at: secondsTime(m.createdAt),
    updated_at: secondsTime(m.updatedAt),
    schema: '/v2/schemas/member',
  };
}

export function memberListView(members: ReadonlyArray<ImageMember>) {
  return { members: members.map(memberView), schema: '/v2/schemas/members' };
}
