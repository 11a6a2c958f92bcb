import type { FastifyInstance } from 'fastify';

/**
 * Nova answers every request with its id twice: `x-openstack-request-id` (set for all
 * services in main.ts) and `x-compute-request-id`, which clients read to match a call
 * to its instance action.
 */
export function computeRequestIdHeader(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-compute-request-id', req.id);
  });
}
