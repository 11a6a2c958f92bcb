import { standardResourceClassSet } from '../../placement/standards/standard-resource-classes.js';
import { imageTraits } from '../workloads/image-requirements.js';
import { withIsolationTraits } from '../workloads/isolation-requirements.js';
import type { PlacementRequest } from '../../scheduler/host-view.js';
import type { HostRecord } from '../../scheduler/host-views.js';
import type { ComputeDeps, ComputeImage } from '../compute-deps.js';
import { isUp } from '../hosts/host-service.js';
import { isSet } from '../../db/row-codec.js';
import type { Server } from '../servers/server-model.js';

/** Hosts from the registry with their up/enabled state as of now. */
export async function loadHostRecords(
  deps: Pick<ComputeDeps, 'store' | 'clock' | 'serviceDownTimeSec'>,
): Promise<HostRecord[]> {
  const rows = await deps.store.db
    .selectFrom('compute_hosts')
    .select(['hostname', 'provider_id', 'availability_zone', 'status', 'forced_down', 'last_heartbeat'])
    .execute();
  return rows.map((r) => ({
    hostname: r.hostname,
    providerId: r.provider_id,
    availabilityZone: r.availability_zone,
    enabled: r.status === 'enabled',
    // The one rule host_status, os-services and local delete use too.
    up: isUp(deps, { forcedDown: isSet(r.forced_down), lastHeartbeat: r.last_heartbeat }),
  }));
}

/** The traits a server asks of its host, as placement's `required` takes them (`X` and `!X`). */
export interface RequestedTraits {
  readonly required: string[];
  readonly forbidden: string[];
}

/**
 * Traits a workload needs: what its image needs (kind, disk format; a VM-isolated container
 * a microvm host), and the flavor's and
 * image's `trait:X=required` and `trait:X=forbidden` (Nova's ResourceRequest reads these
 * unsuffixed keys; other values are ignored, as Nova ignores them).
 */
export function requestedTraits(
  image: ComputeImage | undefined,
  extraSpecs: Readonly<Record<string, string>>,
): RequestedTraits {
  const required = new Set(withIsolationTraits(imageTraits(image), image, extraSpecs));
  const forbidden = new Set<string>();
  for (const specs of [extraSpecs, image?.properties ?? {}]) {
    for (const [k, v] of Object.entries(specs)) {
      if (!k.startsWith('trait:')) continue;
      if (v === 'required') required.add(k.slice('trait:'.length));
      else if (v === 'forbidden') forbidden.add(k.slice('trait:'.length));
    }
  }
  return { required: [...required], forbidden: [...forbidden] };
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

/**
 * What a server claims in placement, as Nova's ResourceRequest computes it: the flavor's
 * VCPU, MEMORY_MB and DISK_GB (root + ephemeral + swap rounded up to GB), each replaced by a
 * `resources:<CLASS>=<amount>` extra spec when there is one (a PCPU spec replaces VCPU too),
 * plus any other class such specs name. Zero amounts are left out, as Nova does (placement
 * refuses them), so `resources:VCPU=0` drops VCPU. Resize, confirm and revert claim through
 * here too, so a flavor's claim is the same wherever it is made. A volume-backed server
 * (`imageId` '') claims no DISK_GB for its root, which lives on the volume (Nova's is_bfv).
 */
export function resourcesOf(
  s: Pick<Server, 'flavor'> & { readonly imageId?: string },
): Record<string, number> {
  const f = s.flavor;
  const specs = resourceSpecs(f.extraSpecs);
  const all: Record<string, number> = {};
  const root = s.imageId === '' ? 0 : f.disk;
  if (!specs.has('VCPU') && !specs.has('PCPU')) all['VCPU'] = f.vcpus;
  if (!specs.has('MEMORY_MB')) all['MEMORY_MB'] = f.ram;
  if (!specs.has('DISK_GB')) all['DISK_GB'] = root + f.ephemeral + Math.ceil(f.swap / 1024);
  for (const [rc, n] of specs) all[rc] = n;
  return Object.fromEntries(Object.entries(all).filter(([, n]) => n > 0));
}

/** A custom class name, as placement accepts it. */
const customClass = /^CUSTOM_[A-Z0-9_]+$/;
/** What Python's int() takes for an amount: digits, an optional +, surrounding blanks. */
const amountText = /^\s*\+?\d+\s*$/;

/**
 * The unsuffixed `resources:<CLASS>=<amount>` extra specs. Like Nova, a class that is
 * neither standard nor CUSTOM_*, or an amount that is not a non-negative integer, is skipped.
 */
function resourceSpecs(extraSpecs: Readonly<Record<string, string>>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(extraSpecs)) {
    if (!k.startsWith('resources:')) continue;
    const rc = k.slice('resources:'.length);
    if (!standardResourceClassSet.has(rc) && !customClass.test(rc)) continue;
    if (amountText.test(v)) out.set(rc, Number(v.trim()));
  }
  return out;
}
