import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeDriver } from '../../../src/agent/drivers/fake/fake-driver.js';
import { hasCommand } from '../../../src/agent/host/command.js';
import { testDialects } from '../../../src/db/testing/dialects.js';
import { bootServer, createFlavor, createImage, waitForServer } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import { startTestCloud } from '../../support/test-cloud.js';
import type { Personas } from '../compute/compute-api-fixtures.js';
import { createPersonas } from '../compute/compute-api-fixtures.js';

type Json = Record<string, unknown>;
const skip = hasCommand('qemu-img') ? false : 'qemu-img is not installed';

for (const dialect of testDialects()) {
  describe.skipIf(skip)(`${dialect}: front-end QoS specs reach connection_info and the server's disk`, () => {
    let t: TestCloud;
    let p: Personas;
    const vol = (method: 'GET' | 'POST' | 'PUT', path: string, token: string, payload?: object) =>
      t.request({
        method,
        url: `/volume/v3/${p.projectId}${path}`,
        headers: { 'x-auth-token': token, 'openstack-api-version': 'volume 3.60' },
        ...(payload !== undefined && { payload }),
      });
    async function waitForVolume(id: string, want: string): Promise<Json> {
      const until = Date.now() + 15_000;
      for (;;) {
        const v = (await vol('GET', `/volumes/${id}`, p.member)).json().volume as Json;
        if (v['status'] === want) return v;
        if (Date.now() > until) throw new Error(`volume ${id} never ${want}: ${JSON.stringify(v)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    /** A type whose QoS specs have `consumer` and `specs`; returns its name. */
    async function typeWithQos(
      name: string,
      consumer: string,
      specs: Record<string, string>,
    ): Promise<string> {
      const q = await vol('POST', '/qos-specs', p.admin, { qos_specs: { name, consumer, ...specs } });
      expect(q.statusCode, q.body).toBe(200);
      const ty = await vol('POST', '/types', p.admin, { volume_type: { name } });
      const qosId = q.json().qos_specs.id as string;
      const typeId = ty.json().volume_type.id as string;
      expect(
        (await vol('GET', `/qos-specs/${qosId}/associate?vol_type_id=${typeId}`, p.admin)).statusCode,
      ).toBe(202);
      return name;
    }
    async function create(type: string, size: number): Promise<string> {
      const res = await vol('POST', '/volumes', p.member, { volume: { size, volume_type: type } });
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json().volume.id as string;
      await waitForVolume(id, 'available');
      return id;
    }
    const connect = (id: string) =>
      vol('POST', `/volumes/${id}/action`, p.member, {
        'os-initialize_connection': { connector: { host: 'h' } },
      });

    beforeAll(async () => {
      t = await startTestCloud(dialect, { fakeHosts: 1 });
      p = await createPersonas(t);
    });
    afterAll(async () => t?.close());

    it('gives front-end specs, per-GB ones resolved, and null for back-end ones', async () => {
      const front = await typeWithQos('qos-front', 'front-end', {
        read_bytes_sec: '1048576',
        total_iops_sec_per_gb: '10',
        write_iops_sec_per_gb: '5',
        write_iops_sec_per_gb_min: '100',
      });
      const id = await create(front, 3);
      const conn = await connect(id);
      expect(conn.statusCode, conn.body).toBe(200);
      expect(conn.json().connection_info.data.qos_specs).toEqual({
        read_bytes_sec: '1048576',
        total_iops_sec: 30,
        write_iops_sec: 100,
      });
      const back = await typeWithQos('qos-back', 'back-end', { read_bytes_sec: '1' });
      const b = await connect(await create(back, 1));
      expect(b.json().connection_info.data.qos_specs).toBeNull();
    });

    it("puts a 'both' type's limits on the server's disk through os-volume_attachments", async () => {
      const both = await typeWithQos('qos-both', 'both', { total_bytes_sec: '2000000', vendor_key: 'x' });
      const flavor = await createFlavor(t, p.admin, { name: 'qf', vcpus: 1, ram: 64, disk: 1 });
      const image = await createImage(t, p.admin, 'qimg');
      const server = await bootServer(t, p.member, { name: 'qs', imageRef: image, flavorRef: flavor });
      await waitForServer(t, p.member, server, 'ACTIVE');
      const id = await create(both, 1);
      const att = await t.request({
        method: 'POST',
        url: `/compute/v2.1/servers/${server}/os-volume_attachments`,
        token: p.member,
        payload: { volumeAttachment: { volumeId: id } },
      });
      expect(att.statusCode, att.body).toBe(200);
      const v = await waitForVolume(id, 'in-use');
      const attachmentId = (v['attachments'] as Json[])[0]!['attachment_id'] as string;
      const shown = (await vol('GET', `/attachments/${attachmentId}`, p.member)).json().attachment as Json;
      expect((shown['connection_info'] as { data: Json }).data['qos_specs']).toEqual({
        total_bytes_sec: '2000000',
        vendor_key: 'x',
      });
      const driver = t.cloud.compute.agents.driver('fake-0001') as FakeDriver;
      const disks = (await driver.devices(server)).filter((d) => d.kind === 'disk');
      expect(disks).toEqual([
        { kind: 'disk', disk: expect.objectContaining({ volumeId: id, qos: { total_bytes_sec: 2000000 } }) },
      ]);
    });

    it("re-throttles an attached disk when its type's QoS specs change, through the reconciler", async () => {
      const name = await typeWithQos('qos-live', 'front-end', { read_iops_sec: '100' });
      const qosId = ((await vol('GET', '/qos-specs', p.admin)).json().qos_specs as Json[]).find(
        (q) => q['name'] === name,
      )!['id'] as string;
      const typeId = ((await vol('GET', '/types', p.admin)).json().volume_types as Json[]).find(
        (x) => x['name'] === name,
      )!['id'] as string;
      const flavor = await createFlavor(t, p.admin, { name: 'qf2', vcpus: 1, ram: 64, disk: 1 });
      const image = await createImage(t, p.admin, 'qimg2');
      const server = await bootServer(t, p.member, { name: 'qs2', imageRef: image, flavorRef: flavor });
      await waitForServer(t, p.member, server, 'ACTIVE');
      const id = await create(name, 1);
      const att = await t.request({
        method: 'POST',
        url: `/compute/v2.1/servers/${server}/os-volume_attachments`,
        token: p.member,
        payload: { volumeAttachment: { volumeId: id } },
      });
      expect(att.statusCode, att.body).toBe(200);
      const v = await waitForVolume(id, 'in-use');
      const attachmentId = (v['attachments'] as Json[])[0]!['attachment_id'] as string;
      const driver = t.cloud.compute.agents.driver('fake-0001') as FakeDriver;
      const qosOnHost = async () =>
        (await driver.devices(server)).flatMap((d) => (d.kind === 'disk' ? [d.disk.qos ?? null] : []));
      // connection_info.qos_specs as attachment show gives them.
      const shownSpecs = async () => {
        const a = (await vol('GET', `/attachments/${attachmentId}`, p.member)).json().attachment as Json;
        return (a['connection_info'] as { data: Json }).data['qos_specs'];
      };
      // Limits on the host as the fake driver recorded them (key order aside), and the specs
      // the attachment shows follow them.
      const until = async (want: unknown[], specs: unknown) => {
        await expect.poll(qosOnHost, { timeout: 15_000, interval: 25 }).toEqual(want);
        await expect.poll(shownSpecs, { timeout: 15_000, interval: 25 }).toEqual(specs);
      };
      await until([{ read_iops_sec: 100 }], { read_iops_sec: '100' });
      // Specs set: the host gets the new limits, the volume stays in-use.
      const set = await vol('PUT', `/qos-specs/${qosId}`, p.admin, {
        qos_specs: { write_bytes_sec: '4096000' },
      });
      expect(set.statusCode, set.body).toBe(200);
      await until([{ read_iops_sec: 100, write_bytes_sec: 4096000 }], {
        read_iops_sec: '100',
        write_bytes_sec: '4096000',
      });
      // Keys unset.
      const unset = await vol('PUT', `/qos-specs/${qosId}/delete_keys`, p.admin, { keys: ['read_iops_sec'] });
      expect(unset.statusCode, unset.body).toBe(202);
      await until([{ write_bytes_sec: 4096000 }], { write_bytes_sec: '4096000' });
      // Disassociated: no limits left on the disk.
      const dis = await vol('GET', `/qos-specs/${qosId}/disassociate?vol_type_id=${typeId}`, p.admin);
      expect(dis.statusCode, dis.body).toBe(202);
      await until([null], null);
      expect((await waitForVolume(id, 'in-use'))['status']).toBe('in-use');
      // Associated again: back on the disk.
      const again = await vol('GET', `/qos-specs/${qosId}/associate?vol_type_id=${typeId}`, p.admin);
      expect(again.statusCode, again.body).toBe(202);
      await until([{ write_bytes_sec: 4096000 }], { write_bytes_sec: '4096000' });
    });
  });
}
