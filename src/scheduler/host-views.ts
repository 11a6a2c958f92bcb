import type { HostView } from './host-view.js';
import type { ProviderSnapshot } from './placement-port.js';

/** The host registry row the scheduler needs besides placement's view. */
export interface HostRecord {
  readonly hostname: string;
  readonly providerId: string;
  readonly availabilityZone: string;
  readonly enabled: boolean;
  readonly up: boolean;
}

/** Joins placement's providers with the host registry into scheduler views (hosts without a provider are skipped). */
export function buildHostViews(
  hosts: ReadonlyArray<HostRecord>,
  providers: ReadonlyArray<ProviderSnapshot>,
): HostView[] {
  const byId = new Map(providers.map((p) => [p.uuid, p]));
  return hosts.flatMap((h) => {
    const p = byId.get(h.providerId);
    if (p === undefined) return [];
    const capacity: Record<string, number> = {};
    const maxUnit: Record<string, number> = {};
    const minUnit: Record<string, number> = {};
    const stepSize: Record<string, number> = {};
    for (const [rc, inv] of Object.entries(p.inventories)) {
      capacity[rc] = Math.floor((inv.total - inv.reserved) * inv.allocationRatio);
      maxUnit[rc] = inv.maxUnit;
      if (inv.minUnit > 1) minUnit[rc] = inv.minUnit;
      if (inv.stepSize > 1) stepSize[rc] = inv.stepSize;
    }
    return [
      {
        ...h,
        capacity,
        used: { ...p.usages },
        maxUnit,
        ...(Object.keys(minUnit).length > 0 && { minUnit }),
        ...(Object.keys(stepSize).length > 0 && { stepSize }),
        traits: new Set(p.traits),
      },
    ];
  });
}

/** A copy of the host with `resources` added to its usage (later choices in a batch see earlier ones). */
export function withClaim(h: HostView, resources: Readonly<Record<string, number>>): HostView {
  const used = { ...h.used };
  for (const [rc, n] of Object.entries(resources)) used[rc] = (used[rc] ?? 0) + n;
  return { ...h, used };
}

/** A copy of the host with a claim made by withClaim() taken back out of its usage. */
export function withoutClaim(h: HostView, resources: Readonly<Record<string, number>>): HostView {
  const used = { ...h.used };
  for (const [rc, n] of Object.entries(resources)) used[rc] = (used[rc] ?? 0) - n;
  return { ...h, used };
}
