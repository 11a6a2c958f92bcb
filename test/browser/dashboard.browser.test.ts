import { existsSync, mkdirSync } from 'node:fs';
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
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.close();
  });
});
