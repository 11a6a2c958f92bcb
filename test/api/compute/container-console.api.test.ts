import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { RuncDriver } from '../../../src/agent/drivers/runc/runc-driver.js';
import { hasCommand } from '../../../src/agent/host/command.js';
import {
  buildContainerTestImage,
  containerTestMarker,
} from '../../../src/agent/test-images/container-image.js';
import { testImageCacheDir } from '../../../src/agent/test-images/test-image-set.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { createPersonas, expectFault } from './compute-api-fixtures.js';

const runnable = process.getuid?.() === 0 && hasCommand('runc') && existsSync('/bin/busybox');
const container = { disk_format: 'raw', container_format: 'docker' };

describe.skipIf(!runnable)('a container server’s serial console through the API (real runc driver)', () => {
  let t: TestCloud;
  let p: Personas;
  let base = '';
  let driver: RuncDriver;
  let server = '';
  let port = 0;
  const post = (url: string, token: string, payload: object, version = '2.6') =>
    t.request({
      method: 'POST',
      url: `/compute/v2.1${url}`,
      token,
      payload,
      headers: { 'openstack-api-version': `compute ${version}` },
    });
  const remoteConsole = (token = p.member) =>
    post(`/servers/${server}/remote-consoles`, token, {
      remote_console: { protocol: 'serial', type: 'serial' },
    });
  const consoleOutput = async (): Promise<string> =>
    (
      await post(`/servers/${server}/action`, p.member, { 'os-getConsoleOutput': { length: 50 } }, '2.1')
    ).json().output as string;

  /** Opens the URL's websocket, types `line`, resolves with what came back once `expected` did. */
  function typeInto(url: string, line: string, expected: string): Promise<string> {
    const ws = new WebSocket(url.replace('localhost:80', `127.0.0.1:${port}`), ['binary']);
    let got = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`no ${expected} in ${JSON.stringify(got)}`));
      }, 20_000);
      ws.on('message', (d: Buffer) => {
        got += d.toString('utf8');
        if (!got.includes(expected)) return;
        clearTimeout(timer);
        ws.close();
        resolve(got);
      });
      ws.once('open', () => ws.send(line));
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`websocket refused: ${res.statusCode}`)),
      );
      ws.once('error', reject);
    });
  }

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'runc-console-api-'));
    t = await startTestCloud('sqlite', { computeDriver: 'none' });
    p = await createPersonas(t);
    driver = new RuncDriver({ stateDir: join(base, 's'), cacheDir: join(base, 'c'), gracefulStopMs: 5_000 });
    await t.cloud.compute.agents.add('runc-host', driver);
    const built = await buildContainerTestImage(testImageCacheDir());
    const image = await createImage(t, p.admin, 'ct-console', await readFile(built.path), container);
    const flavor = await createFlavor(t, p.admin, { name: 'ct.tiny', vcpus: 1, ram: 64, disk: 1 });
    server = await bootServer(t, p.member, { name: 'ct-console', imageRef: image, flavorRef: flavor });
    await waitForServer(t, p.member, server, 'ACTIVE', 120_000);
    const deadline = Date.now() + 30_000;
    while (!(await consoleOutput()).includes(`${containerTestMarker}: user-data-end`)) {
      if (Date.now() > deadline) throw new Error(`never booted:\n${await consoleOutput()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await t.cloud.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.cloud.app.server.address() as AddressInfo).port;
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    if (driver !== undefined)
      for (const w of await driver.list()) await driver.destroy(w.workloadId, new AbortController().signal);
    if (base) rmSync(base, { recursive: true, force: true });
  }, 60_000);

  it('grants a remote console (2.6) whose websocket reaches the container’s shell, once', async () => {
    const res = await remoteConsole();
    expect(res.statusCode, res.body).toBe(200);
    const url = (res.json() as { remote_console: { url: string } }).remote_console.url;
    expect(url).toMatch(/^ws:\/\/localhost:80\/compute\/console\/serial\?token=[\w-]{32}$/);
    const got = await typeInto(url, 'echo strata-$((40+2))\r', '\r\nstrata-42');
    expect(got).not.toContain(base);
    await expect(typeInto(url, 'true\r', 'x')).rejects.toThrow(/refused: 401/);
    // The console log keeps recording what the console typed produced.
    expect(await consoleOutput()).toMatch(/^strata-42$/m);
  }, 60_000);

  it('grants it through os-getSerialConsole (2.1) too', async () => {
    const res = await post(
      `/servers/${server}/action`,
      p.member,
      { 'os-getSerialConsole': { type: 'serial' } },
      '2.1',
    );
    expect(res.statusCode, res.body).toBe(200);
    const url = (res.json() as { console: { url: string } }).console.url;
    await typeInto(url, 'hostname\n', '\r\nct-console\r\n');
  }, 60_000);

  it('refuses another project’s member (404) and a stopped container (409)', async () => {
    expectFault(await remoteConsole(p.other), 404, /could not be found/);
    expect((await post(`/servers/${server}/action`, p.member, { 'os-stop': null })).statusCode).toBe(202);
    await waitForServer(t, p.member, server, 'SHUTOFF', 60_000);
    expectFault(await remoteConsole(), 409, `Instance ${server} is not ready`);
  }, 90_000);
});
