import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import { osloTime } from '../../common/time.js';
import type { Aggregate } from './aggregate-store.js';
import { zoneKey } from './aggregate-store.js';

/**
 * Nova's aggregate: every object field (soft-delete ones included, never set here), the
 * zone from the metadata, and `uuid` from 2.41. Create answers without hosts and metadata.
 */
export function aggregateView(a: Aggregate, mv: Microversion | undefined, opts: { created?: boolean } = {}) {
  return {
    availability_zone: a.metadata[zoneKey] ?? null,
    created_at: osloTime(a.createdAt),
    deleted: false,
    deleted_at: null,
    ...(!opts.created && { hosts: [...a.hosts], metadata: { ...a.metadata } }),
    id: a.id,
    name: a.name,
    updated_at: a.updatedAt === null ? null : osloTime(a.updatedAt),
    ...(atLeast(mv, [2, 41]) && { uuid: a.uuid }),
  };
}
