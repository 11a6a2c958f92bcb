import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../src/agent/drivers/registry.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable, startStrata } from '../support/strata-process.js';

const chromiumPath = '/usr/bin/chromium';
const shots = join(new URL('../../', import.meta.url).pathname, 'test-output/dashboard');
const ready = builtCliAvailable() && existsSync(chromiumPath) && drivers.runc.missing() === undefined;

type Json = Record<string, unknown>;

// The dashboard's serial console on a real runc container (root and runc needed; CI has them).
describe.skipIf(!ready)('the dashboard’s serial console on a container (strata up, runc)', () => {
  let strata: StrataProcess;
  let browser: Browser;
  let token = '';

  const api = async (method: string, path: string, body?: Json) => {
    const res = await fetch(`${strata.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : {}) as Json };
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    strata = await startStrata({ env: { STRATA_COMPUTE_DRIVER: 'runc' } });
    const auth = await api('POST', '/identity/v3/auth/tokens', {
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: {
              name: 'admin',
              domain: { id: 'default' },
              password: String(strata.adminAuth['password']),
            },
          },
        },
        scope: { project: { name: 'admin', domain: { id: 'default' } } },
      },
    });
    token = String(auth.headers.get('x-subject-token'));
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await strata?.cleanup();
  }, 60_000);

  it('types a command into the container’s shell and shows its answer', async () => {
    const flavors = (await api('GET', '/compute/v2.1/flavors')).json['flavors'] as Json[];
    const images = (await api('GET', '/image/v2/images?name=strata-test-container')).json['images'] as Json[];
    const created = await api('POST', '/compute/v2.1/servers', {
      server: { name: 'browser-ct', flavorRef: flavors[0]!['id'], imageRef: images[0]!['id'] },
    });
    expect(created.status).toBe(202);
    const id = String((created.json['server'] as Json)['id']);

    const page = await browser.newPage();
    await page.goto(`${strata.url}/`);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(String(strata.adminAuth['password']));
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Instances' }).waitFor({ timeout: 15_000 });
    await page.evaluate(
      (hash) => ((globalThis as unknown as { location: { hash: string } }).location.hash = hash),
      `#/instances/${id}`,
    );
    const status = page.locator('dd.status');
    await expect.poll(async () => status.textContent(), { timeout: 60_000 }).toBe('ACTIVE');
    // The init's shell reads stdin once it has printed its boot lines.
    await page.getByRole('button', { name: 'Refresh log' }).click();
    const log = page.getByLabel('Console log output');
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh log' }).click();
          return log.textContent();
        },
        { timeout: 30_000 },
      )
      .toContain('STRATA-TEST-CONTAINER: user-data-end');

    await page.getByRole('button', { name: 'Open serial console' }).click();
    await expect
      .poll(async () => page.getByText('Serial console: open').count(), { timeout: 10_000 })
      .toBe(1);
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('echo strata-$((40+2))');
    await page.keyboard.press('Enter');
    const screen = page.locator('.xterm-rows');
    // The agent echoes the line; the product comes only from the container's shell.
    await expect.poll(async () => screen.textContent(), { timeout: 15_000 }).toContain('strata-42');
    expect(await screen.textContent()).toContain('echo strata-$((40+2))');
    await page.screenshot({ path: join(shots, 'container-serial-console.png'), fullPage: true });
    await page.close();
    expect((await api('DELETE', `/compute/v2.1/servers/${id}`)).status).toBe(204);
  }, 240_000);
});
