import Type from 'typebox';
import {
  bool,
  byMicroversion,
  int,
  links,
  nullable,
  nullableStr,
  str,
  strict,
} from '../../common/http/response-schemas.js';

/**
 * Nova's hypervisor and service bodies (api-ref "Hypervisors", "Compute services"; tempest's
 * hypervisors/services schemas): ids are integers before 2.53 and UUIDs from it.
 */

const apiId = (since: (v: string) => boolean) => (since('2.53') ? str : int);

const hostedServers = Type.Optional(Type.Array(strict({ name: str, uuid: str })));

function hypervisorBrief(since: (v: string) => boolean) {
  return { id: apiId(since), hypervisor_hostname: str, state: str, status: str, servers: hostedServers };
}

const resources = {
  vcpus: int,
  memory_mb: int,
  local_gb: int,
  vcpus_used: int,
  memory_mb_used: int,
  local_gb_used: int,
  free_ram_mb: int,
  free_disk_gb: int,
  current_workload: int,
  running_vms: int,
  disk_available_least: nullable(int),
};

function hypervisorDetail(since: (v: string) => boolean) {
  return strict({
    ...hypervisorBrief(since),
    hypervisor_type: str,
    hypervisor_version: int,
    host_ip: nullableStr,
    service: strict({ id: apiId(since), host: str, disabled_reason: nullableStr }),
    ...resources,
    // JSON text before 2.28, the object from it.
    cpu_info: since('2.28') ? Type.Record(str, Type.Unknown()) : str,
  });
}

/** Paging links from 2.33. */
const paged = (since: (v: string) => boolean) =>
  since('2.33') ? { hypervisors_links: Type.Optional(links) } : ({} as Record<string, never>);

export const hypervisorListResponse = byMicroversion(['2.33', '2.53'], (since) =>
  strict({ hypervisors: Type.Array(strict(hypervisorBrief(since))), ...paged(since) }),
);

export const hypervisorDetailListResponse = byMicroversion(['2.28', '2.33', '2.53'], (since) =>
  strict({ hypervisors: Type.Array(hypervisorDetail(since)), ...paged(since) }),
);

export const hypervisorShowResponse = byMicroversion(['2.28', '2.53'], (since) =>
  strict({ hypervisor: hypervisorDetail(since) }),
);

/** /search and /servers exist only before 2.53. */
export const hypervisorSearchResponse = strict({
  hypervisors: Type.Array(strict(hypervisorBrief(() => false))),
});

export const hypervisorUptimeResponse = byMicroversion(['2.53'], (since) =>
  strict({ hypervisor: strict({ ...hypervisorBrief(since), uptime: str }) }),
);

export const hypervisorStatisticsResponse = strict({
  hypervisor_statistics: strict({ count: int, ...resources }),
});

function serviceBody(since: (v: string) => boolean) {
  return strict({
    id: apiId(since),
    binary: str,
    host: str,
    zone: str,
    status: str,
    state: str,
    updated_at: nullableStr,
    disabled_reason: nullableStr,
    ...(since('2.11') && { forced_down: bool }),
  });
}

export const serviceListResponse = byMicroversion(['2.11', '2.53'], (since) =>
  strict({ services: Type.Array(serviceBody(since)) }),
);

/**
 * Before 2.53 the action answers with what it changed (enable/disable: status, with the
 * reason for disable-log-reason; force-down: forced_down); from 2.53 the whole service.
 */
export const serviceUpdateResponse = byMicroversion(['2.53'], (since) =>
  since('2.53')
    ? strict({ service: serviceBody(since) })
    : strict({
        service: strict({
          host: str,
          binary: str,
          status: Type.Optional(str),
          disabled_reason: Type.Optional(str),
          forced_down: Type.Optional(bool),
        }),
      }),
);
