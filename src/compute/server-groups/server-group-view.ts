import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import type { ServerGroup } from './server-group-store.js';

/** `policies` as a one-item list and an always-empty `metadata` (until 2.64); owners from 2.13. */
export function serverGroupView(
  g: ServerGroup,
  members: ReadonlyArray<string>,
  mv: Microversion | undefined,
) {
  return {
    id: g.id,
    name: g.name,
    policies: [g.policy],
    members,
    metadata: {},
    ...(atLeast(mv, [2, 13]) && { project_id: g.projectId, user_id: g.userId }),
  };
}
