import type { FastifyInstance } from 'fastify';
import type { CloudMetrics } from './cloud-metrics.js';

/** Paths that report on the process itself; counting them would make every scrape move the counters. */
export const observabilityPaths = ['/metrics', '/healthz', '/readyz'] as const;

interface MountedService {
  readonly name: string;
  readonly prefix: string;
}

/**
 * Counts and times every answered request by the route's template (`/servers/:id`, never
 * the id, so the number of series stays bounded) under the service whose prefix it is in.
 * Requests no route matched count under route `unmatched`.
 */
export function instrumentHttp(
  app: FastifyInstance,
  metrics: CloudMetrics,
  services: ReadonlyArray<MountedService>,
): void {
  const byLongestPrefix = [...services].sort((a, b) => b.prefix.length - a.prefix.length);
  const serviceOf = (url: string): MountedService | undefined =>
    byLongestPrefix.find((s) => url === s.prefix || url.startsWith(`${s.prefix}/`));
  app.addHook('onResponse', async (req, reply) => {
    const template = req.routeOptions.url;
    const path = template ?? req.url.split('?', 1)[0] ?? '';
    if ((observabilityPaths as ReadonlyArray<string>).includes(path)) return;
    const service = serviceOf(path);
    const route =
      template === undefined
        ? 'unmatched'
        : service
          ? template.slice(service.prefix.length) || '/'
          : template;
    const labels = { service: service?.name ?? 'none', route, method: req.method };
    metrics.httpRequests.inc({ ...labels, status: String(reply.statusCode) });
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });
}
