import Fastify from 'fastify';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

interface RouteAccess {
  readonly policy?: string;
  readonly auth?: 'token' | 'none';
}

/** Routes that check policy inside the handler or, as in OpenStack, have no rule; each says why. */
const selfChecking: Readonly<Record<string, string>> = {
  'GET /compute/v2.1/flavors': 'Nova has no rule for listing flavors; visibility filters the list',
  'GET /compute/v2.1/flavors/detail': 'as above',
  'GET /compute/v2.1/flavors/:flavor_id': 'as above',
  'POST /compute/v2.1/flavors/:flavor_id/action': 'one rule per action, checked in the handler',
  'PUT /compute/v2.1/flavors/:flavor_id': 'below 2.55 the method does not exist: 404 before the rule',
  'POST /compute/v2.1/servers/:server_id/remote-consoles':
    "Nova looks the server up (404) before its rule, checked on the server's project",
  'POST /compute/v2.1/servers/:server_id/action': 'one rule per action, checked in the handler',
  'POST /compute/v2.1/os-aggregates/:aggregate_id/action': 'one rule per action, checked in the handler',
  'POST /volume/v3/:project_id/types/:type_id/action': 'one rule per action, checked in the handler',
  'POST /volume/v3/:project_id/volumes/:volume_id/action': 'one rule per action, checked in the handler',
  'POST /volume/v3/:project_id/backups/:backup_id/action': 'one rule per action, checked in the handler',
  'POST /volume/v3/:project_id/snapshots/:snapshot_id/action': 'one rule per action, checked in the handler',
  'GET /volume/v3/:project_id/resource_filters': 'Cinder checks no rule beyond a token (3.33)',
  'GET /compute/v2.1/images': "Nova's images proxy has no rule; the image service's visibility decides",
  'GET /compute/v2.1/images/detail': 'as above',
  'GET /compute/v2.1/images/:image_id': 'as above',
  'DELETE /compute/v2.1/images/:image_id': "as above; the image service's owner rule, checked in the handler",
  'GET /compute/v2.1/images/:image_id/metadata': 'as above',
  'POST /compute/v2.1/images/:image_id/metadata': 'as above',
  'PUT /compute/v2.1/images/:image_id/metadata': 'as above',
  'GET /compute/v2.1/images/:image_id/metadata/:key': 'as above',
  'PUT /compute/v2.1/images/:image_id/metadata/:key': 'as above',
  'DELETE /compute/v2.1/images/:image_id/metadata/:key': 'as above',
  'GET /image/v2/schemas/image': 'Glance has no rule for schemas',
  'GET /image/v2/schemas/images': 'as above',
  'GET /image/v2/schemas/member': 'as above',
  'GET /image/v2/schemas/members': 'as above',
  'GET /image/v2/info/stores': 'always 404 (no multi-store); Glance has no rule',
  'GET /image/v2/info/import': 'Glance has no rule for import discovery',
  'GET /image/v2/info/usage': 'scoped to the caller in the handler',
};

// Every route every service mounts (main.ts's list), replayed into a bare Fastify that records them.
describe('route table audit', () => {
  let t: TestCloud;
  const routes: Array<{ readonly name: string; readonly access: RouteAccess | undefined }> = [];
  beforeAll(async () => {
    t = await startTestCloud('sqlite');
    const probe = Fastify();
    probe.addHook('onRoute', (r: RouteOptions) => {
      const methods = Array.isArray(r.method) ? r.method.join(',') : r.method;
      routes.push({ name: `${methods} ${r.url}`, access: r.config as RouteAccess | undefined });
    });
    for (const s of t.cloud.services) await probe.register(s.plugin, { prefix: s.prefix });
    await probe.ready();
    await probe.close();
  });
  afterAll(async () => t?.close());

  it('sees the routes of every service', () => {
    for (const s of t.cloud.services)
      expect(
        routes.some((r) => r.name.includes(` ${s.prefix}/`)),
        s.name,
      ).toBe(true);
  });

  it('gives every route a policy rule or an explicit auth: none', () => {
    const unguarded = routes
      .filter((r) => r.access?.policy === undefined && r.access?.auth !== 'none')
      .map((r) => r.name.replace(/^HEAD /, 'GET '));
    expect([...new Set(unguarded)].filter((r) => !(r in selfChecking))).toEqual([]);
    // A listed route that gained a rule leaves the list.
    expect(Object.keys(selfChecking).filter((r) => !unguarded.includes(r))).toEqual([]);
  });

  it('names only policy rules that exist in the defaults', () => {
    const unknown = routes
      .map((r) => r.access?.policy)
      .filter((p): p is string => p !== undefined)
      .filter((p) => !t.cloud.services.some((s) => p in s.policy));
    expect([...new Set(unknown)]).toEqual([]);
  });
});
