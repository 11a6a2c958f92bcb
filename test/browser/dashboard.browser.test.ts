import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable, startStrata } from '../support/strata-process.js';

const chromiumPath = '/usr/bin/chromium';
const shots = join(new URL('../../', import.meta.url).pathname, 'test-output/dashboard');
const ready = builtCliAvailable() && existsSync(chromiumPath);

type Json = Record<string, unknown>;

describe.skipIf(!ready)('the dashboard in a real browser against strata up', () => {
  let strata: StrataProcess;
  let browser: Browser;
  let adminToken: string;
  const password = () => String(strata.adminAuth['password']);

  /** The public API, as any client: what the dashboard must agree with. */
  const api = async (method: string, path: string, body?: Json, token = adminToken) => {
    const res = await fetch(`${strata.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : {}) as Json };
  };
  const tokenFor = async (user: string, pass: string, project: string) => {
    const res = await api('POST', '/identity/v3/auth/tokens', {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: user, domain: { id: 'default' }, password: pass } },
        },
        scope: { project: { name: project, domain: { id: 'default' } } },
      },
    });
    expect(res.status).toBe(201);
    return String(res.headers.get('x-subject-token'));
  };
  const logIn = async (page: Page, user: string, pass: string) => {
    await page.goto(`${strata.url}/`);
    await page.getByLabel('User name').fill(user);
    await page.getByLabel('Password').fill(pass);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Instances' }).waitFor({ timeout: 15_000 });
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    strata = await startStrata({ extraArgs: ['--fake-hosts', '1'] });
    adminToken = await tokenFor('admin', password(), 'admin');
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await strata?.cleanup();
  });

  it('serves the bundle compressed, small, and with a strict content policy', async () => {
    const res = await fetch(`${strata.url}/dashboard/assets/app.js`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(Number(res.headers.get('content-length'))).toBeLessThan(300 * 1024);
    const page = await fetch(`${strata.url}/dashboard`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('logs in, shows a server going ACTIVE without a reload, and deletes it after confirmation', async () => {
    const page = await browser.newPage();
    await logIn(page, 'admin', password());
    await page.screenshot({ path: join(shots, 'instances-empty.png') });
    const flavors = (await api('GET', '/compute/v2.1/flavors')).json['flavors'] as Json[];
    const images = (await api('GET', '/image/v2/images?name=strata-test-fake')).json['images'] as Json[];
    const created = await api('POST', '/compute/v2.1/servers', {
      server: { name: 'browser-vm', flavorRef: flavors[0]!['id'], imageRef: images[0]!['id'] },
    });
    expect(created.status).toBe(202);
    const row = page.locator('tr', { hasText: 'browser-vm' });
    await expect.poll(async () => row.locator('.status').textContent(), { timeout: 20_000 }).toBe('ACTIVE');
    await page.screenshot({ path: join(shots, 'instances-active.png') });

    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(async () => row.count(), { timeout: 20_000 }).toBe(0);
    await page.close();
  });

  it('launches a server through the wizard, follows it to ACTIVE, reads its logs, types into its serial console, stops and deletes it', async () => {
    const page = await browser.newPage();
    page.on('dialog', (d) => void d.accept());
    await logIn(page, 'admin', password());
    const flavors = (await api('GET', '/compute/v2.1/flavors')).json['flavors'] as Json[];
    await page.getByRole('link', { name: 'Launch instance' }).click();
    await page.getByLabel('Instance name').fill('wizard-vm');
    await page.getByLabel('Image').selectOption({ label: 'strata-test-fake' });
    await page.getByLabel('Flavor').selectOption(String(flavors[0]!['id']));
    await page.getByLabel('User data').fill('#!/bin/sh\necho wizard');
    await page.screenshot({ path: join(shots, 'instance-wizard.png') });
    // A full reload would lose this mark: the page must follow the server by polling alone.
    await page.evaluate(() => ((globalThis as unknown as Json)['stillSamePage'] = true));
    await page.getByRole('button', { name: 'Launch' }).click();
    await page.getByRole('heading', { name: 'Instance wizard-vm' }).waitFor({ timeout: 15_000 });
    const status = page.locator('dd.status');
    await expect.poll(async () => status.textContent(), { timeout: 30_000 }).toBe('ACTIVE');
    expect(await page.evaluate(() => (globalThis as unknown as Json)['stillSamePage'])).toBe(true);
    const servers = (await api('GET', '/compute/v2.1/servers?name=wizard-vm')).json['servers'] as Json[];
    expect(servers).toHaveLength(1);

    await page.getByRole('button', { name: 'Refresh log' }).click();
    const log = page.getByLabel('Console log output');
    await expect.poll(async () => log.textContent(), { timeout: 10_000 }).toContain('wizard-vm booted');

    await page.getByRole('button', { name: 'Open serial console' }).click();
    await expect
      .poll(async () => page.getByText('Serial console: open').count(), { timeout: 10_000 })
      .toBe(1);
    const screen = page.locator('.xterm-rows');
    // xterm draws only while on screen; the page scrolls the console into view when it opens.
    await expect.poll(async () => screen.textContent(), { timeout: 10_000 }).toContain('fake console of');
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('uname -a');
    await page.keyboard.press('Enter');
    // The fake guest's tty echoes what reached it: the typed line comes back from the server.
    await expect.poll(async () => screen.textContent(), { timeout: 10_000 }).toContain('uname -a');
    await page.screenshot({ path: join(shots, 'instance-detail-console.png'), fullPage: true });

    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(async () => status.textContent(), { timeout: 30_000 }).toBe('SHUTOFF');
    const history = page.locator('tr.instance-action td:first-child');
    await expect.poll(async () => history.allTextContents(), { timeout: 10_000 }).toEqual(['stop', 'create']);

    // The overview lists the project's latest actions, newest first, each linking to its server.
    await page.getByRole('link', { name: 'Overview' }).click();
    const recent = page
      .getByRole('table', { name: 'Recent instance actions' })
      .locator('tr.recent-action', { hasText: 'wizard-vm' });
    await expect
      .poll(async () => recent.locator('td:first-child').allTextContents(), { timeout: 15_000 })
      .toEqual(['stop', 'create']);
    await expect
      .poll(async () => recent.locator('td:last-child').allTextContents(), { timeout: 15_000 })
      .toEqual(['Success', 'Success']);
    await page.screenshot({ path: join(shots, 'overview-recent-actions.png'), fullPage: true });
    await recent.first().getByRole('link', { name: 'wizard-vm' }).click();
    await page.getByRole('heading', { name: 'Instance wizard-vm' }).waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'Instances' }).waitFor();
    await expect
      .poll(async () => (await api('GET', '/compute/v2.1/servers?name=wizard-vm')).json['servers'], {
        timeout: 30_000,
      })
      .toEqual([]);
    await page.close();
  });

  it('uploads an image with a progress bar that reaches 100% and the image becomes active', async () => {
    const page = await browser.newPage();
    await logIn(page, 'admin', password());
    await page.getByRole('link', { name: 'Images' }).click();
    await page.getByLabel('Image name').fill('browser-upload');
    const bytes = Buffer.alloc(4 * 1024 * 1024, 7);
    await page
      .getByLabel('Image file')
      .setInputFiles({ name: 'disk.raw', mimeType: 'application/octet-stream', buffer: bytes });
    await page.getByRole('button', { name: 'Create image' }).click();
    const bar = page.getByLabel('Upload progress');
    await expect.poll(async () => bar.getAttribute('data-percent'), { timeout: 20_000 }).toBe('100');
    const row = page.locator('tr', { hasText: 'browser-upload' });
    await expect.poll(async () => row.textContent(), { timeout: 20_000 }).toContain('active');
    const images = (await api('GET', '/image/v2/images?name=browser-upload')).json['images'] as Json[];
    expect(images[0]!['size']).toBe(bytes.length);
    await page.screenshot({ path: join(shots, 'images-uploaded.png') });
    await page.close();
  });

  it('creates a key pair whose private key is downloaded once, then deletes it', async () => {
    const page = await browser.newPage();
    page.on('dialog', (d) => void d.accept());
    await logIn(page, 'admin', password());
    await page.getByRole('link', { name: 'Key pairs' }).click();
    await page.getByLabel('Key pair name').fill('browser-key');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Create key pair' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('browser-key.pem');
    const pem = await readFile(await file.path(), 'utf8');
    expect(pem).toContain('PRIVATE KEY-----');
    const row = page.locator('tr', { hasText: 'browser-key' });
    await expect.poll(async () => row.count(), { timeout: 10_000 }).toBe(1);
    const listed = (await api('GET', '/compute/v2.1/os-keypairs')).json['keypairs'] as Json[];
    expect(listed.map((k) => (k['keypair'] as Json)['name'])).toContain('browser-key');
    await page.getByLabel('Key pair name').fill('browser-key');
    await page.getByRole('button', { name: 'Create key pair' }).click();
    // The second create is refused by Nova (409): its own words reach the page.
    await expect.poll(async () => page.getByRole('alert').textContent()).toContain('browser-key');
    await row.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(async () => row.count(), { timeout: 10_000 }).toBe(0);
    await page.close();
  });

  it('opens every page the admin sees without an API error, and screenshots each', async () => {
    const page = await browser.newPage();
    await logIn(page, 'admin', password());
    const links = page.getByRole('navigation', { name: 'Sections' }).getByRole('link');
    const names = await links.allTextContents();
    expect(names).toEqual(
      expect.arrayContaining([
        'Overview',
        'Instances',
        'Images',
        'Key pairs',
        'Flavors',
        'Projects',
        'Hypervisors',
      ]),
    );
    for (const name of names) {
      await links.filter({ hasText: name }).first().click();
      await page.getByRole('heading', { name, exact: true }).waitFor({ timeout: 10_000 });
      await page.waitForTimeout(500);
      expect({ name, alerts: await page.getByRole('alert').allTextContents() }).toEqual({ name, alerts: [] });
      await page.screenshot({ path: join(shots, `page-${name.toLowerCase().replace(/\W+/g, '-')}.png`) });
    }
    await page.close();
  });

  it("shows a member of another project none of the admin project's servers, and API errors as the service words them", async () => {
    const project = await api('POST', '/identity/v3/projects', {
      project: { name: 'browser-other', domain_id: 'default' },
    });
    const user = await api('POST', '/identity/v3/users', {
      user: { name: 'browser-bob', password: 'bob-secret-1', domain_id: 'default' },
    });
    const roles = (await api('GET', '/identity/v3/roles?name=member')).json['roles'] as Json[];
    const projectId = String((project.json['project'] as Json)['id']);
    const userId = String((user.json['user'] as Json)['id']);
    const grant = await api(
      'PUT',
      `/identity/v3/projects/${projectId}/users/${userId}/roles/${String(roles[0]!['id'])}`,
    );
    expect(grant.status).toBe(204);
    const flavors = (await api('GET', '/compute/v2.1/flavors')).json['flavors'] as Json[];
    const images = (await api('GET', '/image/v2/images?name=strata-test-fake')).json['images'] as Json[];
    await api('POST', '/compute/v2.1/servers', {
      server: { name: 'admins-only', flavorRef: flavors[0]!['id'], imageRef: images[0]!['id'] },
    });

    const page = await browser.newPage();
    await page.goto(`${strata.url}/dashboard`);
    await page.getByLabel('User name').fill('browser-bob');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(async () => page.getByRole('alert').textContent())
      .toContain('The request you have made requires authentication');
    await logIn(page, 'browser-bob', 'bob-secret-1');
    await page.waitForTimeout(2500); // one poll of the list
    expect(await page.locator('tbody tr').count()).toBe(0);
    expect(await page.getByRole('combobox', { name: 'Project' }).inputValue()).toBe(projectId);
    await page.screenshot({ path: join(shots, 'instances-other-project.png') });
    expect(await page.getByRole('link', { name: 'Hypervisors' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Images' }).click();
    await page.getByRole('heading', { name: 'Images' }).waitFor();
    await page.waitForTimeout(1000);
    expect(await page.locator('tr', { hasText: 'browser-upload' }).count()).toBe(0);
    expect(await page.locator('tr', { hasText: 'strata-test-fake' }).count()).toBe(1);
    await page.screenshot({ path: join(shots, 'images-other-project.png') });
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.close();
  });
});
