import Type from 'typebox';
import { byMicroversion, str, strict } from '../../common/http/response-schemas.js';

/** Nova's server group bodies (api-ref "Server groups"): owners from 2.13; 2.64's shape is beyond 2.60. */

const group = (since: (v: string) => boolean) =>
  strict({
    id: str,
    name: str,
    policies: Type.Array(str),
    members: Type.Array(str),
    metadata: strict({}),
    ...(since('2.13') && { project_id: str, user_id: str }),
  });

export const serverGroupListResponse = byMicroversion(['2.13'], (since) =>
  strict({ server_groups: Type.Array(group(since)) }),
);

export const serverGroupResponse = byMicroversion(['2.13'], (since) =>
  strict({ server_group: group(since) }),
);
