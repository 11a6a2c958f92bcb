import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { createPersonas, expectFault, insertServer } from './compute-api-fixtures.js';

const missing = '00000000-0000-4000-8000-000000000000';
const urlPattern = /^ws:\/\/localhost:80\/compute\/console\/serial\?token=([A-Za-z0-9_-]{32})$/;

/** What a websocket connect got: the socket and what it received, or the HTTP refusal's status. */
type Connected = { ws: WebSocket; received: () => string } | { status: number };

for (const dialect of testDialects()) {
  describe(`${dialect}: remote consoles (serial) on the fake driver`, () => {
    let t: TestCloud;
    let p: Personas;
    let running: string;
    let stopped: string;
    let noSerial: string;
    let doomed: string;
    let port = 0;

    const post = (url: string, token: string, payload: object, version?: string) =>
      t.request({
        method: 'POST',
        url: `/compute/v2.1${url}`,
        token,
        payload,
        ...(version !== undefined && { headers: { 'openstack-api-version': `compute ${version}` } }),
      });
    const remoteConsole = (id: string, protocol: string, type: string, version = '2.6', token = p.member) =>
      post(`/servers/${id}/remote-consoles`, token, { remote_console: { protocol, type } }, version);
    const tokenOf = (res: LightMyRequestResponse) => {
      expect(res.statusCode, res.body).toBe(200);
      const url = (res.json() as { remote_console: { url: string } }).remote_console.url;
      return urlPattern.exec(url)![1]!;
    };
    const serialToken = async (id = running) => tokenOf(await remoteConsole(id, 'serial', 'serial'));

    function connect(token: string, headers: Record<string, string> = {}, path = '/compute/console/serial') {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${path}?token=${token}`, { headers });
      let received = '';
      ws.on('message', (data: Buffer) => (received += data.toString('utf8')));
      return new Promise<Connected>((resolve, reject) => {
        ws.once('open', () => resolve({ ws, received: () => received }));
        ws.once('unexpected-response', (_req, res) => {
          resolve({ status: res.statusCode ?? 0 });
          ws.terminate();
        });
        ws.once('error', reject);
      });
    }
    async function until(what: () => string, text: string): Promise<void> {
      const deadline = Date.now() + 5_000;
      while (!what().includes(text)) {
        if (Date.now() > deadline) throw new Error(`no "${text}" in ${JSON.stringify(what())}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    const statusOf = (c: Connected) => ('status' in c ? c.status : 101);

    beforeAll(async () => {
      t = await startTestCloud(dialect);
      p = await createPersonas(t);
      const flavor = await createFlavor(t, p.admin, { name: 'm1.small', vcpus: 1, ram: 512, disk: 1 });
      const image = await createImage(t, p.admin, 'cirros');
      const boot = (name: string, metadata = {}) =>
        bootServer(t, p.member, { name, imageRef: image, flavorRef: flavor, metadata });
      running = await boot('console');
      stopped = await boot('console-off');
      noSerial = await boot('console-none', { 'fake:serial_console': 'none' });
      doomed = await boot('console-doomed');
      for (const id of [running, stopped, noSerial, doomed]) await waitForServer(t, p.member, id, 'ACTIVE');
      expect((await post(`/servers/${stopped}/action`, p.member, { 'os-stop': null })).statusCode).toBe(202);
      await waitForServer(t, p.member, stopped, 'SHUTOFF');
      await t.cloud.app.listen({ host: '127.0.0.1', port: 0 });
      port = (t.cloud.app.server.address() as AddressInfo).port;
    });
    afterAll(async () => t?.close());

    it('gives a one-time websocket URL for the serial console from 2.6, with exactly Nova’s fields', async () => {
      const res = await remoteConsole(running, 'serial', 'serial');
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { remote_console: Record<string, string> };
      expect(Object.keys(body)).toEqual(['remote_console']);
      expect(Object.keys(body.remote_console).sort()).toEqual(['protocol', 'type', 'url']);
      expect(body.remote_console).toMatchObject({ protocol: 'serial', type: 'serial' });
      expect(body.remote_console['url']).toMatch(urlPattern);
      const again = await serialToken();
      expect(again).not.toBe(tokenOf(res));
    });

    it('stores only the token’s hash, scoped to the server, expiring after the TTL (600 s)', async () => {
      const token = await serialToken();
      const hash = createHash('sha256').update(token).digest('hex');
      const row = await t.cloud.store.db
        .selectFrom('console_auth_tokens')
        .selectAll()
        .where('token_hash', '=', hash)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ instance_uuid: running, console_type: 'serial' });
      expect(Date.parse(row.expires) - Date.parse(row.created_at)).toBe(600_000);
      const stored = await t.cloud.store.db.selectFrom('console_auth_tokens').selectAll().execute();
      expect(JSON.stringify(stored)).not.toContain(token);
    });

    it('is not there below 2.6 (404), where the os-getSerialConsole action serves instead', async () => {
      expectFault(
        await remoteConsole(running, 'serial', 'serial', '2.5'),
        404,
        'The resource could not be found.',
      );
      const res = await post(`/servers/${running}/action`, p.member, {
        'os-getSerialConsole': { type: 'serial' },
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { console: Record<string, string> };
      expect(Object.keys(body.console).sort()).toEqual(['type', 'url']);
      expect(body.console['type']).toBe('serial');
      expect(body.console['url']).toMatch(urlPattern);
    });

    const refusals: ReadonlyArray<
      [string, () => Promise<LightMyRequestResponse>, number, string | RegExp | (() => string)]
    > = [
      [
        'vnc (no proxy)',
        () => remoteConsole(running, 'vnc', 'novnc'),
        400,
        'Unavailable console type novnc.',
      ],
      [
        'spice',
        () => remoteConsole(running, 'spice', 'spice-html5'),
        400,
        'Unavailable console type spice-html5.',
      ],
      ['rdp', () => remoteConsole(running, 'rdp', 'rdp-html5'), 400, 'Unavailable console type rdp-html5.'],
      [
        'mks at 2.8',
        () => remoteConsole(running, 'mks', 'webmks', '2.8'),
        400,
        'Unavailable console type webmks.',
      ],
      ['mks before 2.8', () => remoteConsole(running, 'mks', 'webmks', '2.7'), 400, /protocol/],
      [
        'serial of type novnc',
        () => remoteConsole(running, 'serial', 'novnc'),
        400,
        'Invalid console type novnc',
      ],
      ['an unknown protocol', () => remoteConsole(running, 'telnet', 'serial'), 400, /protocol/],
      [
        'no type',
        () =>
          post(
            `/servers/${running}/remote-consoles`,
            p.member,
            { remote_console: { protocol: 'serial' } },
            '2.6',
          ),
        400,
        /type/,
      ],
      [
        'an extra field',
        () =>
          post(
            `/servers/${running}/remote-consoles`,
            p.member,
            { remote_console: { protocol: 'serial', type: 'serial', port: 1 } },
            '2.6',
          ),
        400,
        /port/,
      ],
      [
        'a server that is not running',
        () => remoteConsole(stopped, 'serial', 'serial'),
        409,
        () => `Instance ${stopped} is not ready`,
      ],
      [
        'a workload without a serial port',
        () => remoteConsole(noSerial, 'serial', 'serial'),
        400,
        'Unavailable console type serial.',
      ],
      ['a missing server', () => remoteConsole(missing, 'serial', 'serial'), 404, /could not be found/],
      [
        'another project’s server',
        () => remoteConsole(running, 'serial', 'serial', '2.6', p.other),
        404,
        /could not be found/,
      ],
      [
        'a reader',
        () => remoteConsole(running, 'serial', 'serial', '2.6', p.reader),
        403,
        /os_compute_api:os-remote-consoles/,
      ],
      [
        'the old action at 2.6',
        () =>
          post(`/servers/${running}/action`, p.member, { 'os-getSerialConsole': { type: 'serial' } }, '2.6'),
        404,
        'The resource could not be found.',
      ],
      [
        'the old action with another type',
        () => post(`/servers/${running}/action`, p.member, { 'os-getSerialConsole': { type: 'novnc' } }),
        400,
        /type/,
      ],
      [
        'os-getVNCConsole',
        () => post(`/servers/${running}/action`, p.member, { 'os-getVNCConsole': { type: 'novnc' } }),
        400,
        'Unavailable console type novnc.',
      ],
    ];
    it.each(refusals)(
      'refuses %s with Nova’s fault, storing no token',
      async (_label, send, status, message) => {
        const before = await t.cloud.store.db
          .selectFrom('console_auth_tokens')
          .select('token_hash')
          .execute();
        expectFault(await send(), status, typeof message === 'function' ? message() : message);
        const after = await t.cloud.store.db.selectFrom('console_auth_tokens').select('token_hash').execute();
        expect(after.length).toBe(before.length);
      },
    );

    it('refuses with 501 a server whose host agent runs apart from the API', async () => {
      const remote = await insertServer(t, {
        projectId: p.projectId,
        vcpus: 1,
        ram: 64,
        host: 'remote-host-1',
      });
      const res = await remoteConsole(remote, 'serial', 'serial');
      expect(res.statusCode, res.body).toBe(501);
      expect(res.json()).toEqual({
        notImplemented: { code: 501, message: expect.stringMatching(/not supported/) as unknown },
      });
      expect(res.body).not.toContain('remote-host-1');
    });

    it('bridges the websocket to the serial port, and the token works once', async () => {
      const token = await serialToken();
      const c = await connect(token);
      if ('status' in c) throw new Error(`connect answered ${c.status}`);
      await until(c.received, `fake console of ${running}`);
      c.ws.send('hello guest\r');
      await until(c.received, 'hello guest');
      c.ws.close();
      expect(statusOf(await connect(token))).toBe(401);
    });

    it('refuses an unknown or missing token, another path and another origin', async () => {
      expect(statusOf(await connect('not-a-token'))).toBe(401);
      expect(statusOf(await connect(''))).toBe(401);
      expect(statusOf(await connect(await serialToken(), {}, '/compute/console/vnc'))).toBe(404);
      const foreign = await serialToken();
      expect(statusOf(await connect(foreign, { origin: 'http://evil.example' }))).toBe(403);
      const sameSite = await connect(foreign, { origin: `http://127.0.0.1:${port}` });
      expect(statusOf(sameSite)).toBe(101);
      if (!('status' in sameSite)) sameSite.ws.close();
    });

    it('refuses the token of a server deleted since', async () => {
      const token = await serialToken(doomed);
      const res = await t.request({
        method: 'DELETE',
        url: `/compute/v2.1/servers/${doomed}`,
        token: p.member,
      });
      expect(res.statusCode, res.body).toBe(204);
      await waitForServer(t, p.member, doomed, 'DELETED');
      expect(statusOf(await connect(token))).toBe(401);
    });

    it('refuses a token after its TTL, and takes one just before it', async () => {
      const early = await serialToken();
      const late = await serialToken();
      t.clock.advance(599_000);
      const ok = await connect(early);
      expect(statusOf(ok)).toBe(101);
      if (!('status' in ok)) ok.ws.close();
      t.clock.advance(2_000);
      expect(statusOf(await connect(late))).toBe(401);
    });
  });
}
