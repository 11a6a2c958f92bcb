/** A host as the router scheduler sees it: a snapshot of the host registry. */
export interface RouterHostCandidate {
  readonly hostname: string;
  /** Enabled by the operator. */
  readonly enabled: boolean;
  /** Heartbeating recently and not forced down. */
  readonly up: boolean;
  /** The host's network dataplane ('linux', 'fake'), null when it never said. */
  readonly dataplane: string | null;
}

/** Dataplanes that run routers (network namespaces and NAT on the host). */
export const routerDataplanes: ReadonlySet<string> = new Set(['linux']);

type RouterHostCheck = (h: RouterHostCandidate) => string | undefined;

/** The filters, in order, one line each; a reason names why a host was passed over. */
const routerHostFilters: ReadonlyArray<RouterHostCheck> = [
  (h) => (!h.enabled ? 'disabled' : !h.up ? 'down' : undefined), // host state
  (h) => (h.dataplane !== null && routerDataplanes.has(h.dataplane) ? undefined : 'no router dataplane'),
];

/** Why the host cannot run routers, or undefined when it can. */
export function routerHostRejection(h: RouterHostCandidate): string | undefined {
  for (const check of routerHostFilters) {
    const why = check(h);
    if (why !== undefined) return why;
  }
  return undefined;
}

export interface RouterHostChoice {
  /** The host to run the router; undefined when no host can. */
  readonly host: string | undefined;
  /** reason -> how many hosts it rejected. */
  readonly rejected: Readonly<Record<string, number>>;
}

/**
 * Where a router runs. A router stays on its current host while that host passes the filters
 * (moving it would cut its connections); otherwise the passing host with the fewest routers
 * (Neutron's LeastRoutersScheduler), ties by hostname. Pure: `load` counts routers per host.
 */
export function chooseRouterHost(
  hosts: ReadonlyArray<RouterHostCandidate>,
  current: string | null,
  load: ReadonlyMap<string, number>,
): RouterHostChoice {
  const rejected: Record<string, number> = {};
  const passed: RouterHostCandidate[] = [];
  for (const h of hosts) {
    const why = routerHostRejection(h);
    if (why === undefined) passed.push(h);
    else rejected[why] = (rejected[why] ?? 0) + 1;
  }
  if (passed.some((h) => h.hostname === current)) return { host: current ?? undefined, rejected };
  const best = [...passed].sort(
    (a, b) => (load.get(a.hostname) ?? 0) - (load.get(b.hostname) ?? 0) || (a.hostname < b.hostname ? -1 : 1),
  )[0];
  return { host: best?.hostname, rejected };
}
