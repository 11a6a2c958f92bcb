import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { CloudMetrics } from './cloud-metrics.js';
import { addObservabilityRoutes } from './observability-routes.js';

describe('readiness', () => {
  const appWith = (pendingMigrations: () => Promise<string[]>) => {
    const app = Fastify();
    addObservabilityRoutes(app, new CloudMetrics(), { pendingMigrations });
    return app;
  };

  it('is 503 while migrations are pending, naming them', async () => {
    const res = await appWith(async () => ['0099-next']).inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'migrations pending', pending: ['0099-next'] });
  });

  it('is 503 when the database cannot answer, without the cause in the body', async () => {
    const app = appWith(async () => {
      throw new Error('connect ECONNREFUSED /var/lib/secret/socket');
    });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toContain('secret');
    expect(res.json()).toEqual({ status: 'database unreachable' });
  });
});
