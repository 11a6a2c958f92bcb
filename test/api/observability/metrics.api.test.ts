import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number | null;
}

/**
 * Parses a scrape with the Prometheus project's own Python client parser (Debian's
 * python3-prometheus-client), so the format is judged by a parser we did not write.
 */
function parseExposition(text: string): Sample[] {
  const script = [
    'import json, sys',
    'from prometheus_client.parser import text_string_to_metric_families',
    // NaN is valid in the format (a gauge with no data yet) but not in JSON.
    'out = [dict(name=s.name, labels=s.labels, value=None if s.value != s.value else s.value)',
    '       for f in text_string_to_metric_families(sys.stdin.read()) for s in f.samples]',
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', script], { input: text, encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`the Prometheus parser refused the scrape: ${r.stderr}`);
  return JSON.parse(r.stdout) as Sample[];
}

const value = (samples: Sample[], name: string, labels: Record<string, string>): number =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + (s.value ?? 0), 0);

for (const dialect of testDialects()) {
  describe(`${dialect}: /metrics, /healthz and /readyz`, () => {
    let t: TestCloud;
    let admin: string;
    const scrape = async () => {
      const res = await t.request({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      return parseExposition(res.body);
    };
    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      admin = await t.adminToken();
    });
    afterAll(async () => t?.close());

    it('answers health and readiness without a token', async () => {
      const health = await t.request({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toEqual({ status: 'ok' });
      const ready = await t.request({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready' });
    });

    it('counts exactly the requests made, by service, route template and status', async () => {
      const labels = { service: 'compute', route: '/v2.1/flavors', method: 'GET' };
      const missing = { service: 'compute', route: '/v2.1/servers/:server_id', method: 'GET', status: '404' };
      const before = await scrape();
      for (let i = 0; i < 3; i++) {
        const res = await t.request({ method: 'GET', url: '/compute/v2.1/flavors', token: admin });
        expect(res.statusCode).toBe(200);
      }
      const gone = await t.request({ method: 'GET', url: '/compute/v2.1/servers/nope', token: admin });
      expect(gone.statusCode).toBe(404);
      await t.request({ method: 'GET', url: '/healthz' });
      const after = await scrape();
      const counted = (s: Sample[], l: Record<string, string>) => value(s, 'strata_http_requests_total', l);
      expect(
        counted(after, { ...labels, status: '200' }) - counted(before, { ...labels, status: '200' }),
      ).toBe(3);
      expect(counted(after, missing) - counted(before, missing)).toBe(1);
      // Ids never become labels, and the observability paths do not count themselves.
      expect(after.some((s) => s.labels['route']?.includes('nope'))).toBe(false);
      expect(after.some((s) => s.labels['route'] === '/metrics' || s.labels['route'] === '/healthz')).toBe(
        false,
      );
      const durations = (s: Sample[]) => value(s, 'strata_http_request_duration_seconds_count', labels);
      expect(durations(after) - durations(before)).toBe(3);
    });

    it('reports workloads, placements, agent steps and scheduler passes after a boot', async () => {
      const flavor = await createFlavor(t, admin, { name: 'metrics.tiny', vcpus: 1, ram: 64, disk: 1 });
      const image = await createImage(t, admin, 'metrics-image');
      const before = await scrape();
      const id = await bootServer(t, admin, { name: 'm1', imageRef: image, flavorRef: flavor });
      await waitForServer(t, admin, id, 'ACTIVE');
      const after = await scrape();
      expect(value(after, 'strata_workloads', { state: 'active', driver: 'fake' })).toBe(1);
      const delta = (name: string, labels: Record<string, string> = {}) =>
        value(after, name, labels) - value(before, name, labels);
      expect(delta('strata_scheduler_placements_total')).toBe(1);
      expect(
        delta('strata_agent_step_duration_seconds_count', {
          driver: 'fake',
          step: 'create',
          outcome: 'done',
        }),
      ).toBe(1);
      expect(
        delta('strata_reconcile_duration_seconds_count', { controller: 'scheduling' }),
      ).toBeGreaterThanOrEqual(1);
      // The agents' queues and the scheduler's are reported (a series even when empty).
      const depth = (c: string) =>
        after.find((s) => s.name === 'strata_controller_queue_depth' && s.labels['controller'] === c);
      expect(depth('instances')).toBeDefined();
      expect(depth('scheduling')).toBeDefined();
      expect(value(after, 'strata_db_write_seconds_count', { outcome: 'committed' })).toBeGreaterThan(0);
      expect(value(after, 'strata_process_resident_memory_bytes', {})).toBeGreaterThan(0);
      expect(after.some((s) => s.name.startsWith('strata_nodejs_eventloop_lag'))).toBe(true);
    });
  });
}
