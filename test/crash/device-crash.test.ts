import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { drivers } from '../../src/agent/drivers/registry.js';
import { HttpClient } from '../support/http-client.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable, startStrata } from '../support/strata-process.js';

const ready = builtCliAvailable() && drivers.qemu.missing() === undefined && process.getuid?.() === 0;
const env = { STRATA_COMPUTE_DRIVER: 'qemu' };
const volumeId = 'crash-vol-0001';

interface Attachment {
  kind: 'nic' | 'disk';
  status: string;
  desired: string;
}

async function until<T>(what: string, read: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The VM's own record of its devices (vm.json), as the qemu driver relaunches it. */
function recordedVolumes(dataDir: string, serverId: string): string[] {
  const rec = JSON.parse(readFileSync(join(dataDir, 'instances/qemu', serverId, 'vm.json'), 'utf8')) as {
    devices?: Array<{ kind: string; disk?: { volumeId: string } }>;
  };
  return (rec.devices ?? []).flatMap((d) => (d.kind === 'disk' ? [d.disk!.volumeId] : []));
}

// A real VM under `strata up`, killed -9 right after a disk attach (then a detach) was asked for.
describe.skipIf(!ready)('kill -9 of strata up during a device attach or detach', () => {
  const cleanups: Array<() => void> = [];
  afterAll(() => cleanups.reverse().forEach((c) => c()));

  it('ends with the device attached and recorded, or detached and recorded, never half', async () => {
    let s: StrataProcess = await startStrata({ env });
    const dataDir = s.dataDir;
    cleanups.push(() => s.cleanup());
    // QEMU outlives strata up by design; whatever the test leaves is ended here.
    cleanups.push(() => {
      try {
        execFileSync('pkill', ['-9', '-f', `qemu-system.*${dataDir}`]);
      } catch {
        // none left
      }
    });
    let c = new HttpClient(s.url);
    await c.login(s);
    const flavors = (
      await c.call<{ flavors: Array<{ id: string; name: string }> }>('GET', '/compute/v2.1/flavors')
    ).json.flavors;
    const images = (await c.call<{ images: Array<{ id: string; name: string }> }>('GET', '/image/v2/images'))
      .json.images;
    const created = await c.call<{ server: { id: string } }>('POST', '/compute/v2.1/servers', {
      server: {
        name: 'crash-dev',
        imageRef: images.find((i) => i.name === 'strata-test-vm')!.id,
        flavorRef: flavors.find((f) => f.name === 'm1.tiny')!.id,
      },
    });
    expect(created.status).toBe(202);
    const id = created.json.server.id;
    const status = async () =>
      (await c.call<{ server: { status: string } }>('GET', `/compute/v2.1/servers/${id}`)).json.server.status;
    await until('ACTIVE', async () => ((await status()) === 'ACTIVE' ? true : undefined));

    const volume = join(dataDir, 'volume.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', volume, '16M']);
    const devicesUrl = `/compute/agent/v1/servers/${id}/devices`;
    // The server's NIC on the default `private` network is listed too; this test is about its disk.
    const attachments = async () =>
      (await c.call<{ devices: Attachment[] }>('GET', devicesUrl)).json.devices.filter(
        (d) => d.kind === 'disk',
      );
    const consoleLog = async () =>
      (
        await c.call<{ output: string }>('POST', `/compute/v2.1/servers/${id}/action`, {
          'os-getConsoleOutput': {},
        })
      ).json.output;
    const consoleCount = async (text: string) => (await consoleLog()).split(text).length - 1;
    const restart = async () => {
      await s.kill9();
      s = await startStrata({ dataDir, env });
      c = new HttpClient(s.url);
      await c.login(s);
    };

    const attach = await c.call('PUT', `${devicesUrl}/disk/${volumeId}`, {
      disk: { volumeId, source: volume, format: 'qcow2', readOnly: false },
    });
    expect(attach.status).toBe(202);
    await new Promise((r) => setTimeout(r, 30));
    await restart();
    await until('the attach settled', async () => {
      const list = await attachments();
      return list.length === 1 && list[0]!.status === 'attached' ? true : undefined;
    });
    expect(recordedVolumes(dataDir, id)).toEqual([volumeId]);
    // The guest saw the disk arrive once: a replayed attach added nothing.
    const added = new RegExp(`block-add (vd[a-z]+) serial=${volumeId}`, 'g');
    const seen = await until('the guest saw the disk', async () => {
      const m = [...(await consoleLog()).matchAll(added)];
      return m.length > 0 ? m : undefined;
    });
    expect(seen).toHaveLength(1);
    const dev = seen[0]![1]!;

    expect((await c.call('DELETE', `${devicesUrl}/disk/${volumeId}`)).status).toBe(202);
    await new Promise((r) => setTimeout(r, 30));
    await restart();
    await until('the detach settled', async () => ((await attachments()).length === 0 ? true : undefined));
    expect(recordedVolumes(dataDir, id)).toEqual([]);
    await until('the guest saw the disk go', async () =>
      (await consoleCount(`block-del ${dev}`)) >= 1 ? true : undefined,
    );
    const actions = await c.call('GET', `/compute/v2.1/servers/${id}/os-instance-actions`);
    expect(await status(), JSON.stringify(actions.json)).toBe('ACTIVE');

    expect((await c.call('DELETE', `/compute/v2.1/servers/${id}`)).status).toBe(204);
    await until('deleted', async () =>
      (await c.call('GET', `/compute/v2.1/servers/${id}`)).status === 404 ? true : undefined,
    );
    expect(await s.stop()).toBe(0);
  });
});
