import Type from 'typebox';
import { byMicroversion, int, links, nullableStr, str, strict } from '../../common/http/response-schemas.js';

/** Nova's simple tenant usage (api-ref "Usage reports"): paging links from 2.40. */

const num = Type.Number();

const serverUsage = strict({
  hours: num,
  flavor: str,
  instance_id: str,
  name: str,
  tenant_id: str,
  memory_mb: int,
  local_gb: int,
  vcpus: int,
  started_at: str,
  ended_at: nullableStr,
  state: str,
  uptime: int,
});

const tenantUsage = strict({
  tenant_id: str,
  // Only with detailed=1 in the list; always in show.
  server_usages: Type.Optional(Type.Array(serverUsage)),
  total_local_gb_usage: num,
  total_vcpus_usage: num,
  total_memory_mb_usage: num,
  total_hours: num,
  start: str,
  stop: str,
});

export const usageListResponse = byMicroversion(['2.40'], (since) =>
  strict({
    tenant_usages: Type.Array(tenantUsage),
    ...(since('2.40') && { tenant_usages_links: Type.Optional(links) }),
  }),
);

/** `{}` when nothing of the project ran in the period. */
export const usageShowResponse = byMicroversion(['2.40'], (since) =>
  strict({
    tenant_usage: Type.Union([tenantUsage, strict({})]),
    ...(since('2.40') && { tenant_usage_links: Type.Optional(links) }),
  }),
);
