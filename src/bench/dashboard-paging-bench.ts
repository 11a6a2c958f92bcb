import type { Browser } from 'playwright-core';
import type { BenchMetric, BenchOptions, BenchProgress, BenchResult, Benchmark } from './benchmark.js';
import { skippedResult } from './benchmark.js';
import type { BenchCloud } from './bench-cloud.js';
import { adminPassword, withBenchCloud } from './bench-cloud.js';
import { summarize } from './bench-stats.js';
import { addBenchHosts, bigHost, bootServers, prepareCompute } from './compute-bench-setup.js';
import type { RenderTime } from './dashboard-browser.js';
import {
  coldContext,
  coldLoads,
  launchChromium,
  loadEntries,
  logInSession,
  timeFirstPage,
  timeNextPage,
} from './dashboard-browser.js';

const name = 'dashboard-paging';
const pageTargetMs = 200;
const interactiveTargetMs = 1000;
/** The instances page shows this many servers a page (its own page size). */
const pageSize = 20;

/** Times `samples` in-app visits of the instances page, then Next through `pages` pages. */
async function timePages(browser: Browser, c: BenchCloud, session: string, samples: number, pages: number) {
  const context = await coldContext(browser, session);
  try {
    const page = await context.newPage();
    await page.goto(`${c.publicUrl}/dashboard#/instances`);
    await loadEntries(page);
    const first: RenderTime[] = [];
    for (let i = 0; i < samples; i++) first.push(await timeFirstPage(page));
    const next: RenderTime[] = [];
    for (let i = 0; i < pages; i++) next.push(await timeNextPage(page));
    return { first, next };
  } finally {
    await context.close();
  }
}

function pageMetrics(
  coldMs: number,
  first: RenderTime[],
  next: RenderTime[],
  opts: BenchOptions,
): BenchMetric[] {
  const f = summarize(first.map((t) => t.frameMs));
  const n = summarize(next.map((t) => t.frameMs));
  const dom = summarize(next.map((t) => t.domMs));
  const at = `${opts.dashboardServers} servers`;
  return [
    {
      name: `first page, cold load to rows listed (median of ${opts.pageLoads}, ${at})`,
      value: coldMs,
      unit: 'ms',
      target: { text: `< ${interactiveTargetMs} ms`, met: coldMs < interactiveTargetMs },
    },
    {
      name: `first page, in-app (Key pairs -> Instances) to painted, p99 of ${first.length}`,
      value: f.p99,
      unit: 'ms',
      target: { text: `< ${pageTargetMs} ms`, met: f.p99 < pageTargetMs },
    },
    { name: 'first page, in-app to painted, p50', value: f.p50, unit: 'ms' },
    {
      name: `next page (click) to painted, p99 of ${next.length} pages`,
      value: n.p99,
      unit: 'ms',
      target: { text: `< ${pageTargetMs} ms`, met: n.p99 < pageTargetMs },
    },
    { name: 'next page (click) to painted, p50', value: n.p50, unit: 'ms' },
    { name: 'next page (click) to rows in the DOM, p50', value: dom.p50, unit: 'ms' },
  ];
}

async function measure(c: BenchCloud, opts: BenchOptions, progress: BenchProgress, browser: Browser) {
  const servers = opts.dashboardServers;
  await addBenchHosts(c, Math.ceil(servers / 2000), bigHost, progress, name);
  await bootServers(c, await prepareCompute(c, servers), servers, progress, name);
  const session = await logInSession(browser, c.publicUrl, 'admin', adminPassword);
  progress(`${name}: ${opts.pageLoads} cold loads, then paging in headless Chromium`);
  const cold = await coldLoads(browser, c.publicUrl, session, opts.pageLoads);
  const pages = Math.min(opts.dashboardPages, Math.ceil(servers / pageSize) - 1);
  if (pages < 1) throw new Error(`${name}: ${servers} servers fill one page; nothing to page to`);
  const { first, next } = await timePages(browser, c, session, opts.dashboardPages, pages);
  return pageMetrics(cold.markMs, first, next, opts);
}

export const dashboardPagingBench: Benchmark = {
  name,
  description:
    'the instances page with --dashboard-servers servers in headless Chromium: first page and paging',
  async run(opts, progress): Promise<BenchResult> {
    const browser = await launchChromium();
    if (typeof browser === 'string') return skippedResult(name, browser);
    try {
      return await withBenchCloud(
        1,
        async (c) => ({ name, metrics: await measure(c, opts, progress, browser) }),
        { computeDriver: 'fake', fakeHosts: 0 },
      );
    } finally {
      await browser.close();
    }
  },
};
