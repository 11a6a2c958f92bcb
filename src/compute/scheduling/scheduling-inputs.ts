import { imageTraits } from '../workloads/image-requirements.js';
import type { PlacementRequest } from '../../scheduler/host-view.js';
import type { HostRecord } from '../../scheduler/host-views.js';
import type { ComputeDeps, ComputeImage } from '../compute-deps.js';
import type { Server } from '../servers/server-model.js';

/** Hosts from the registry with their up/enabled state as of now. */
export async function loadHostRecords(
  deps: Pick<ComputeDeps, 'store' | 'clock' | 'serviceDownTimeSec'>,
): Promise<HostRecord[]> {
  const rows = await deps.store.db
    .selectFrom('compute_hosts')
    .select(['hostname', 'provider_id', 'availability_zone', 'status', 'forced_down', 'last_heartbeat'])
    .execute();
  const cutoff = deps.clock().getTime() - deps.serviceDownTimeSec * 1000;
  return rows.map((r) => ({
    hostname: r.hostname,
    providerId: r.provider_id,
    availabilityZone: r.availability_zone,
    enabled: r.status === 'enabled',
    up: r.forced_down === 0 && Date.parse(r.last_heartbeat) >= cutoff,
  }));
}

/** Traits a workload needs: what its image needs (kind, disk format) and `trait:X=required` specs. */
export function requiredTraits(
  image: ComputeImage | undefined,
  extraSpecs: Readonly<Record<string, string>>,
): string[] {
  const fromSpecs = (specs: Readonly<Record<string, string>>) =>
    Object.entries(specs)
      .filter(([k, v]) => k.startsWith('trait:') && v === 'required')
      .map(([k]) => k.slice('trait:'.length));
  return [
    ...new Set([...imageTraits(image), ...fromSpecs(extraSpecs), ...fromSpecs(image?.properties ?? {})]),
  ];
}

export type GroupState = Map<
  string,
  {
    policy: NonNullable<PlacementRequest['group']>['policy'];
    membersByHost: Map<string, number>;
    maxPerHost: number;
  }
>;

/** Where each group's placed members already run (for affinity filters within and across batches). */
export async function loadGroups(deps: ComputeDeps, servers: ReadonlyArray<Server>): Promise<GroupState> {
  const ids = [...new Set(servers.map((s) => s.serverGroupId).filter((g): g is string => g !== null))];
  const state: GroupState = new Map();
  if (ids.length === 0) return state;
  const db = deps.store.db;
  const groups = await db
    .selectFrom('server_groups')
    .select(['id', 'policy', 'rules'])
    .where('id', 'in', ids)
    .execute();
  const placed = await db
    .selectFrom('server_group_members as m')
    .innerJoin('servers as s', 's.id', 'm.server_id')
    .select(['m.group_id', 's.host'])
    .where('m.group_id', 'in', ids)
    .where('s.host', 'is not', null)
    .where('s.deleted_at', 'is', null)
    .execute();
  for (const g of groups) {
    const rules = JSON.parse(g.rules) as { max_server_per_host?: number };
    state.set(g.id, {
      policy: g.policy,
      membersByHost: new Map(),
      maxPerHost: rules.max_server_per_host ?? 1,
    });
  }
  for (const p of placed) {
    const m = state.get(p.group_id)?.membersByHost;
    if (m && p.host) m.set(p.host, (m.get(p.host) ?? 0) + 1);
  }
  return state;
}

/** What a server claims in placement; zero amounts are left out, as Nova does (placement refuses them). */
export function resourcesOf(s: Pick<Server, 'flavor'>): Record<string, number> {
  const all = { VCPU: s.flavor.vcpus, MEMORY_MB: s.flavor.ram, DISK_GB: s.flavor.disk + s.flavor.ephemeral };
  return Object.fromEntries(Object.entries(all).filter(([, n]) => n > 0));
}
