import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeDriver } from '../../../src/agent/drivers/fake/fake-driver.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from './compute-api-fixtures.js';
import { createPersonas, expectFault } from './compute-api-fixtures.js';

const nic = (portId: string, mac = 'fa:16:3e:00:00:01') => ({
  portId,
  networkId: 'net-1',
  mac,
  mtu: 1450,
  hostName: `tap${portId.slice(0, 11)}`,
  fixedIps: [
    {
      subnetId: 'sub-1',
      ipAddress: '10.0.0.5',
      cidr: '10.0.0.0/24',
      gateway: '10.0.0.1',
      dhcp: true,
      dnsNameservers: [],
      hostRoutes: [],
    },
  ],
});
const disk = (volumeId: string) => ({
  volumeId,
  source: `/srv/volumes/${volumeId}`,
  format: 'qcow2',
  readOnly: false,
});

interface AttachmentJson {
  id: string;
  kind: string;
  status: string;
  desired: string;
  fault: string | null;
  device: Record<string, unknown>;
}

for (const dialect of testDialects()) {
  describe(`${dialect}: devices on servers (attach/detach through the host agent)`, () => {
    let t: TestCloud;
    let p: Personas;
    let flavor: string;
    let slowFlavor: string;
    let image: string;
    const devices = (server: string, token = p.admin) =>
      t.request({ method: 'GET', url: `/compute/agent/v1/servers/${server}/devices`, token });
    const attach = (server: string, kind: string, id: string, body: object, token = p.admin) =>
      t.request({
        method: 'PUT',
        url: `/compute/agent/v1/servers/${server}/devices/${kind}/${id}`,
        token,
        payload: body,
      });
    const detach = (server: string, kind: string, id: string) =>
      t.request({
        method: 'DELETE',
        url: `/compute/agent/v1/servers/${server}/devices/${kind}/${id}`,
        token: p.admin,
      });
    const driver = () => t.cloud.compute.agents.driver('fake-0001') as FakeDriver;

    async function waitFor(
      server: string,
      check: (a: AttachmentJson[]) => boolean,
    ): Promise<AttachmentJson[]> {
      const until = Date.now() + 10_000;
      for (;;) {
        const list = (await devices(server)).json().devices as AttachmentJson[];
        if (check(list)) return list;
        if (Date.now() > until) throw new Error(`devices never settled: ${JSON.stringify(list)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
      flavor = await createFlavor(t, p.admin, { name: 'dev', vcpus: 1, ram: 64, disk: 1 });
      slowFlavor = await createFlavor(t, p.admin, {
        name: 'dev-slow',
        vcpus: 1,
        ram: 64,
        disk: 1,
        extraSpecs: { 'fake:create_delay_ms': '400' },
      });
      image = await createImage(t, p.admin, 'dev-img');
    });
    afterAll(async () => t?.close());

    it('attaches a NIC and a disk to a running server, idempotently, and detaches them', async () => {
      const server = await bootServer(t, p.member, {
        name: 'd1',
        imageRef: image,
        flavorRef: flavor,
      });
      await waitForServer(t, p.member, server, 'ACTIVE');
      const first = await attach(server, 'nic', 'port-a', { nic: nic('port-a') });
      expect(first.statusCode).toBe(202);
      expect(first.json().device).toMatchObject({ kind: 'nic', desired: 'attached', status: 'attaching' });
      expect((await attach(server, 'disk', 'vol-a', { disk: disk('vol-a') })).statusCode).toBe(202);
      const settled = await waitFor(server, (l) => l.length === 2 && l.every((a) => a.status === 'attached'));
      expect(settled.map((a) => a.kind)).toEqual(['nic', 'disk']);
      const again = await attach(server, 'nic', 'port-a', { nic: nic('port-a') });
      expect(again.json().device.id).toBe(first.json().device.id);
      expect((await driver().devices(server)).map((d) => d.kind)).toEqual(['nic', 'disk']);

      expect((await detach(server, 'nic', 'port-a')).statusCode).toBe(202);
      await waitFor(server, (l) => l.length === 1);
      expect(await driver().devices(server)).toEqual([{ kind: 'disk', disk: disk('vol-a') }]);
      // Detaching what is not there is done already.
      expect((await detach(server, 'nic', 'port-a')).statusCode).toBe(202);
    });

    it('puts devices asked for during the build on the workload it creates, once', async () => {
      const server = await bootServer(t, p.member, {
        name: 'd2',
        imageRef: image,
        flavorRef: slowFlavor,
      });
      expect(
        (await attach(server, 'nic', 'port-b', { nic: nic('port-b', 'fa:16:3e:00:00:02') })).statusCode,
      ).toBe(202);
      await waitForServer(t, p.member, server, 'ACTIVE');
      await waitFor(server, (l) => l.length === 1 && l[0]!.status === 'attached');
      expect((await driver().devices(server)).map((d) => d.kind === 'nic' && d.nic.portId)).toEqual([
        'port-b',
      ]);
    });

    it('refuses bad devices with 400, unknown servers with 404 and non-service callers with 403', async () => {
      const server = await bootServer(t, p.member, {
        name: 'd3',
        imageRef: image,
        flavorRef: flavor,
      });
      expectFault(await attach(server, 'nic', 'port-c', { nic: nic('port-c', 'not-a-mac') }), 400, /MAC/);
      expectFault(
        await attach(server, 'nic', 'port-c', { nic: { ...nic('port-c'), hostName: 'a-name-far-too-long' } }),
        400,
      );
      expectFault(
        await attach(server, 'disk', 'vol-c', { disk: { ...disk('vol-c'), source: 'relative/path' } }),
        400,
      );
      expectFault(
        await attach(server, 'disk', 'vol-c', { disk: { ...disk('vol-c'), source: 'nbd://h:1/x' } }),
        400,
        /raw/,
      );
      expectFault(await attach(server, 'nic', 'port-x', { nic: nic('port-c') }), 400);
      expectFault(await attach(server, 'tape', 'x', { nic: nic('x') }), 400);
      expectFault(await attach('00000000-0000-4000-8000-00000000dead', 'nic', 'p', { nic: nic('p') }), 404);
      expectFault(await attach(server, 'nic', 'port-c', { nic: nic('port-c') }, p.member), 403);
      expect((await devices(server)).json().devices).toEqual([]);
    });

    it('never lets a stale step overwrite a newer request (compare-and-set on generation)', async () => {
      const server = await bootServer(t, p.member, {
        name: 'd4',
        imageRef: image,
        flavorRef: flavor,
      });
      await waitForServer(t, p.member, server, 'ACTIVE');
      await attach(server, 'disk', 'vol-d', { disk: disk('vol-d') });
      const [a] = await waitFor(server, (l) => l[0]?.status === 'attached');
      const gw = t.cloud.compute.gateway.devices;
      const seen = (await gw.getAssigned('fake-0001', server))!.attachments[0]!;
      expect(seen.id).toBe(a!.id);
      await detach(server, 'disk', 'vol-d');
      // The agent's view from before the detach request is stale now.
      expect(await gw.report('fake-0001', seen.id, seen.generation, { kind: 'attached' })).toBe(false);
      expect(await gw.report('other-host', seen.id, seen.generation + 1, { kind: 'detached' })).toBe(false);
      await waitFor(server, (l) => l.length === 0);
    });

    it("drops a deleted server's attachments", async () => {
      const server = await bootServer(t, p.member, {
        name: 'd5',
        imageRef: image,
        flavorRef: flavor,
      });
      await waitForServer(t, p.member, server, 'ACTIVE');
      await attach(server, 'disk', 'vol-e', { disk: disk('vol-e') });
      await waitFor(server, (l) => l[0]?.status === 'attached');
      await t.request({ method: 'DELETE', url: `/compute/v2.1/servers/${server}`, token: p.member });
      await waitForServer(t, p.member, server, 'DELETED');
      const left = await t.cloud.store.db
        .selectFrom('server_devices')
        .selectAll()
        .where('server_id', '=', server)
        .execute();
      expect(left).toEqual([]);
      expectFault(await devices(server), 404);
    });

    it('asks again for a detach that failed on the host', async () => {
      const server = await bootServer(t, p.member, { name: 'd6', imageRef: image, flavorRef: flavor });
      await waitForServer(t, p.member, server, 'ACTIVE');
      await attach(server, 'disk', 'vol-f', { disk: disk('vol-f') });
      await waitFor(server, (l) => l[0]?.status === 'attached');
      const gw = t.cloud.compute.gateway.devices;
      // The host is made to fail the detach: its report lands before the agent's own step.
      const agent = t.cloud.compute.agents;
      await agent.stopAll();
      await detach(server, 'disk', 'vol-f');
      const seen = (await gw.getAssigned('fake-0001', server))!.attachments[0]!;
      expect(
        await gw.report('fake-0001', seen.id, seen.generation, { kind: 'failed', message: 'busy' }),
      ).toBe(true);
      const [failed] = await waitFor(server, (l) => l[0]?.status === 'error');
      expect(failed).toMatchObject({ desired: 'detached', fault: 'busy' });
      expect((await detach(server, 'disk', 'vol-f')).statusCode).toBe(202);
      expect((await devices(server)).json().devices[0]).toMatchObject({ status: 'detaching', fault: null });
    });
  });
}
