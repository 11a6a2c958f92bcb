import { serviceCall } from '../api.js';
import type { Session } from '../session.js';
import { hasService } from '../session.js';
import { usePoll } from '../use-poll.js';
import { CapacityBar } from '../widgets/capacity-bar.js';
import { ErrorAlert } from '../widgets/error-alert.js';
import { RecentActionsPanel } from './recent-actions-panel.js';

type Detail = Record<string, { in_use?: number; used?: number; limit: number } | string>;
interface Usage {
  label: string;
  used: number;
  limit: number;
}

/** Usage rows from a quota detail body, for the resources named (Nova, Neutron and Cinder shapes). */
function pick(body: Detail, names: Record<string, string>): Usage[] {
  return Object.entries(names).flatMap(([key, label]) => {
    const q = body[key];
    if (q === undefined || typeof q === 'string') return [];
    return [{ label, used: q.in_use ?? q.used ?? 0, limit: q.limit }];
  });
}

/** The project's quota usage from each service the catalog lists, as bars. */
async function loadUsage(s: Session): Promise<Usage[]> {
  const p = s.project.id;
  const compute = await serviceCall<{ quota_set: Detail }>(s, 'compute', `/os-quota-sets/${p}/detail`);
  const rows = pick(compute.quota_set, { instances: 'Instances', cores: 'Cores', ram: 'RAM (MiB)' });
  if (hasService(s, 'network')) {
    const net = await serviceCall<{ quota: Detail }>(s, 'network', `/v2.0/quotas/${p}/details`);
    rows.push(...pick(net.quota, { network: 'Networks', port: 'Ports', floatingip: 'Floating IPs' }));
  }
  const volumeType = ['volumev3', 'block-storage'].find((t) => hasService(s, t));
  if (volumeType !== undefined) {
    const vol = await serviceCall<{ quota_set: Detail }>(s, volumeType, `/os-quota-sets/${p}?usage=true`);
    rows.push(...pick(vol.quota_set, { volumes: 'Volumes', gigabytes: 'Gigabytes' }));
  }
  return rows;
}

const pollMs = 10_000;

export function OverviewPage({ session }: { session: Session }) {
  const usage = usePoll(() => loadUsage(session), [session.token], pollMs);
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">Overview</h2>
      <ErrorAlert error={usage.error} />
      <table>
        <tbody>
          {(usage.data ?? []).map((u) => (
            <tr key={u.label}>
              <th scope="row">{u.label}</th>
              <td>
                <CapacityBar label={`${u.label} used`} used={u.used} total={u.limit} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <RecentActionsPanel session={session} everyMs={pollMs} />
    </section>
  );
}
