import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { LoadTiming, PerfEntry } from './page-timing.js';
import { loadTiming, medianTiming } from './page-timing.js';

/** Debian's Chromium; the dashboard benchmarks drive it headless. */
export const chromiumPath = '/usr/bin/chromium';

/** The Performance API mark set when the first server row of the instances page is in the DOM. */
export const listedMark = 'strata:servers-listed';

const sessionKey = 'strata.session';

/**
 * Headless Chromium, or why it cannot run here (no Chromium, or playwright-core, a
 * development dependency, not installed): the benchmark is then skipped, not failed.
 */
export async function launchChromium(): Promise<Browser | string> {
  if (!existsSync(chromiumPath)) return `no Chromium at ${chromiumPath} (apt install chromium)`;
  const playwright = await import('playwright-core').catch(() => undefined);
  if (playwright === undefined) return 'playwright-core is not installed (a development dependency)';
  // No sandbox: the benchmarks run as root on build machines, where Chromium refuses it.
  return playwright.chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
}

/**
 * Logs in through the dashboard's own form in a throw-away context and returns the
 * session it keeps in sessionStorage, so timed loads can start already logged in.
 */
export async function logInSession(browser: Browser, url: string, user: string, password: string) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${url}/dashboard#/instances`);
    await page.getByLabel('User name').fill(user);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Instances' }).waitFor({ timeout: 30_000 });
    const session = await page.evaluate(`sessionStorage.getItem(${JSON.stringify(sessionKey)})`);
    if (typeof session !== 'string') throw new Error('the dashboard kept no session after logging in');
    return session;
  } finally {
    await context.close();
  }
}

/**
 * Runs before any page script: puts the session in place (the tab is logged in) and marks,
 * through a MutationObserver, the moment the first server row enters the DOM.
 */
function initScript(session: string): string {
  return `(() => {
  try { sessionStorage.setItem(${JSON.stringify(sessionKey)}, ${JSON.stringify(session)}); } catch { return; }
  const seen = () => document.querySelector('tbody tr[data-server-id]') !== null;
  const observer = new MutationObserver(() => {
    if (!seen()) return;
    performance.mark(${JSON.stringify(listedMark)});
    observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;
}

/**
 * A fresh context (empty HTTP cache, no cookies: a cold load) whose pages start logged in
 * with `session`; the caller closes it.
 */
export async function coldContext(browser: Browser, session: string): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.addInitScript({ content: initScript(session) });
  return context;
}

/** Loads the instances page `loads` times, each in a fresh context (an empty cache). */
export async function coldLoads(browser: Browser, url: string, session: string, loads: number) {
  const timings: LoadTiming[] = [];
  for (let i = 0; i < loads; i++) {
    const context = await coldContext(browser, session);
    try {
      const page = await context.newPage();
      await page.goto(`${url}/dashboard#/instances`);
      const t = loadTiming(await loadEntries(page), listedMark);
      timings.push(t);
    } finally {
      await context.close();
    }
  }
  return medianTiming(timings);
}

/** Waits for the listing marker, then for the network to settle, and reads every entry. */
export async function loadEntries(page: Page): Promise<PerfEntry[]> {
  // A function, not a string: the dashboard's CSP forbids eval, which a string predicate needs.
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, listedMark, {
    timeout: 30_000,
  });
  // The header's project list and the like finish after the rows; their bytes count too.
  await page.waitForLoadState('networkidle');
  const json = await page.evaluate(
    `JSON.stringify(performance.getEntries().filter((e) => e.entryType !== 'measure').map((e) => e.toJSON()))`,
  );
  return JSON.parse(String(json)) as PerfEntry[];
}

/** Where the instances table's first row is, in the page: a server id, or undefined. */
const firstRow = `document.querySelector('tbody tr[data-server-id]')?.getAttribute('data-server-id')`;

/**
 * In the page, with its own clock: runs `act`, then waits until the first server row is
 * another one than before (`domMs`) and for the frame after that (`frameMs`, when the
 * change can have been painted). The rows are watched on the whole document, since `act`
 * may bring the table itself.
 */
function timedChange(act: string): string {
  return `new Promise((resolve, reject) => {
  const first = () => ${firstRow};
  const before = first();
  const t0 = performance.now();
  const observer = new MutationObserver(() => {
    const now = first();
    if (now === before || now === undefined) return;
    observer.disconnect();
    const domMs = performance.now() - t0;
    requestAnimationFrame(() => setTimeout(() => resolve({ domMs, frameMs: performance.now() - t0 }), 0));
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
  try { ${act} } catch (err) { observer.disconnect(); reject(err); }
})`;
}

export interface RenderTime {
  readonly domMs: number;
  readonly frameMs: number;
}

const clickNext = `const next = [...document.querySelectorAll('nav[aria-label="Pages"] button')]
    .find((b) => b.textContent === 'Next');
  if (next === undefined || next.disabled) throw new Error('no enabled Next button');
  next.click();`;

/** Clicks the instances page's Next button and times the next page's rows. */
export async function timeNextPage(page: Page): Promise<RenderTime> {
  return (await page.evaluate(timedChange(clickNext))) as RenderTime;
}

/**
 * Goes to another page of the dashboard (Key pairs), then back to Instances through the
 * location hash as its navigation links do, and times until its first page is listed.
 */
export async function timeFirstPage(page: Page): Promise<RenderTime> {
  await page.evaluate(`location.hash = '#/keypairs'`);
  await page.getByRole('heading', { name: 'Key pairs' }).waitFor({ timeout: 30_000 });
  return (await page.evaluate(timedChange(`location.hash = '#/instances';`))) as RenderTime;
}
