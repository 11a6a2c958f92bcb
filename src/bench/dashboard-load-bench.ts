import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser } from 'playwright-core';
import type { BenchMetric, BenchOptions, BenchProgress, BenchResult, Benchmark } from './benchmark.js';
import { skippedResult } from './benchmark.js';
import { BenchHttpClient } from './bench-http.js';
import { coldLoads, launchChromium, logInSession } from './dashboard-browser.js';
import type { LoadTiming } from './page-timing.js';
import { StrataProcess, cloudsYamlAuthBody, readCloudsYaml } from './strata-process.js';

const name = 'dashboard-load';
const interactiveTargetMs = 1000;
const bytesTargetKb = 300;
/** One page of the instances table: what a first visit lists. */
const servers = 20;

/** An admin token on `strata up`'s own cloud, and the admin project it is scoped to. */
async function adminToken(http: BenchHttpClient, dataDir: string) {
  const auth = readCloudsYaml(dataDir);
  const url = `${auth.auth_url}/v3/auth/tokens`;
  const reply = await http.expect(201, { method: 'POST', url, json: cloudsYamlAuthBody(auth) });
  const projectId = (JSON.parse(reply.body) as { token: { project: { id: string } } }).token.project.id;
  return { token: String(reply.headers['x-subject-token']), projectId, auth };
}

/** Boots a page of servers on the fake host with `strata up`'s own flavor and test image. */
async function bootPage(http: BenchHttpClient, base: string, token: string, projectId: string) {
  const headers = { 'x-auth-token': token };
  const compute = `${base}/compute/v2.1`;
  const images = await http.expect(200, {
    method: 'GET',
    url: `${base}/image/v2/images?name=strata-test-fake`,
    headers,
  });
  const imageRef = (JSON.parse(images.body) as { images: Array<{ id: string }> }).images[0]?.id;
  if (imageRef === undefined) throw new Error('strata up registered no strata-test-fake image');
  const quota_set = { instances: servers * 2, cores: servers * 2, ram: servers * 2 * 512 };
  await http.expect(200, {
    method: 'PUT',
    url: `${compute}/os-quota-sets/${projectId}`,
    headers,
    json: { quota_set },
  });
  const server = { name: 'load', flavorRef: '1', imageRef, min_count: servers, max_count: servers };
  await http.expect(202, { method: 'POST', url: `${compute}/servers`, headers, json: { server } });
  for (let tries = 0; tries < 600; tries++) {
    const list = await http.expect(200, { method: 'GET', url: `${compute}/servers/detail`, headers });
    const all = (JSON.parse(list.body) as { servers: Array<{ status: string; fault?: { message: string } }> })
      .servers;
    const failed = all.find((s) => s.status === 'ERROR');
    if (failed !== undefined)
      throw new Error(`a server went to ERROR: ${failed.fault?.message ?? 'no fault'}`);
    if (all.length === servers && all.every((s) => s.status === 'ACTIVE')) return;
    await sleep(100);
  }
  throw new Error(`${servers} servers not ACTIVE after 60 s`);
}

function loadMetrics(t: LoadTiming, loads: number): BenchMetric[] {
  const kb = t.transferBytes / 1000;
  return [
    { name: `first paint (median of ${loads} cold loads)`, value: t.firstPaintMs, unit: 'ms' },
    { name: 'first contentful paint', value: t.firstContentfulPaintMs, unit: 'ms' },
    { name: 'DOMContentLoaded', value: t.domContentLoadedMs, unit: 'ms' },
    {
      name: `interactive: the instances page lists its ${servers} servers`,
      value: t.markMs,
      unit: 'ms',
      target: { text: `< ${interactiveTargetMs} ms`, met: t.markMs < interactiveTargetMs },
    },
    {
      name: 'bytes transferred, every request (compressed, headers included)',
      value: kb,
      unit: 'KB',
      target: { text: `< ${bytesTargetKb} KB`, met: kb < bytesTargetKb },
    },
    { name: 'document, JS and CSS bodies as sent (gzip)', value: t.assetBodyBytes / 1000, unit: 'KB' },
  ];
}

async function measure(opts: BenchOptions, progress: BenchProgress, browser: Browser): Promise<BenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'strata-bench-'));
  const http = new BenchHttpClient(1);
  const strata = await StrataProcess.start(dataDir, ['--compute-driver', 'fake', '--fake-hosts', '1']);
  try {
    const { token, projectId, auth } = await adminToken(http, dataDir);
    progress(`${name}: booting ${servers} servers on strata up's fake host`);
    await bootPage(http, strata.url, token, projectId);
    const session = await logInSession(browser, strata.url, auth.username, auth.password);
    progress(`${name}: ${opts.pageLoads} cold loads of /dashboard#/instances in headless Chromium`);
    const t = await coldLoads(browser, strata.url, session, opts.pageLoads);
    return {
      name,
      metrics: loadMetrics(t, opts.pageLoads),
      notes: [`${t.requests} requests per load (median)`],
    };
  } finally {
    http.close();
    await strata.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const dashboardLoadBench: Benchmark = {
  name,
  description:
    'cold load of the dashboard in headless Chromium against strata up: paints, interactive, bytes',
  async run(opts, progress) {
    const browser = await launchChromium();
    if (typeof browser === 'string') return skippedResult(name, browser);
    try {
      return await measure(opts, progress, browser);
    } finally {
      await browser.close();
    }
  },
};
