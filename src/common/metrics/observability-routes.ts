import type { FastifyInstance } from 'fastify';
import type { CloudMetrics } from './cloud-metrics.js';

export interface Readiness {
  /** Throws when the database cannot answer; names the pending migrations otherwise. */
  pendingMigrations(): Promise<ReadonlyArray<string>>;
}

/**
 * `/healthz` (the process answers), `/readyz` (it can serve: the database answers and its
 * schema is current) and `/metrics` (Prometheus text format). They carry no tenant data,
 * so they need no token, as Prometheus and load balancers expect; a deployment that must
 * hide them does so at its proxy.
 */
export function addObservabilityRoutes(app: FastifyInstance, metrics: CloudMetrics, ready: Readiness): void {
  app.get('/healthz', async (_req, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  );
  app.get('/readyz', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      const pending = await ready.pendingMigrations();
      if (pending.length > 0) return reply.code(503).send({ status: 'migrations pending', pending });
      return reply.send({ status: 'ready' });
    } catch (err) {
      // The cause goes to the log, not to whoever asked: it may name hosts or paths.
      req.log.warn({ err }, 'readiness check: database unreachable');
      return reply.code(503).send({ status: 'database unreachable' });
    }
  });
  app.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await metrics.scrape();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}
