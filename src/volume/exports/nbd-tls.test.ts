import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkloadDevice, WorkloadDisk } from '../../agent/drivers/driver.js';
import { hotAttach } from '../../agent/drivers/qemu/qemu-hotplug.js';
import { tlsDirOf } from '../../agent/drivers/qemu/qemu-nbd-tls.js';
import { QemuVm } from '../../agent/drivers/qemu/qemu-vm.js';
import { workloadPaths, type VmRecord } from '../../agent/drivers/qemu/qemu-workload.js';
import { pidsMentioning } from '../../agent/drivers/qemu/testing/process-scan.js';
import { hasCommand, runCommand } from '../../agent/host/command.js';
import type { StrataDb } from '../../db/database.js';
import { openDatabase } from '../../db/database.js';
import type { TestDatabase } from '../../db/testing/dialects.js';
import { createTestDatabase } from '../../db/testing/dialects.js';
import type { VolumeDeps } from '../volume-deps.js';
import { attachedVolume, exportTestDeps } from './export-testing.js';
import { NbdPskKeys } from './nbd-psk-keys.js';
import { QemuStorageDaemon } from './qemu-storage-daemon.js';
import { diskForHost } from './volume-export-service.js';

const tools = ['qemu-system-x86_64', 'qemu-img', 'qemu-io', 'qemu-storage-daemon'];
const ready = process.getuid?.() === 0 && tools.every((t) => hasCommand(t));

const tag = randomBytes(3).toString('hex');
const token = `nbd-tls-${tag}`;
const volumeId = `${tag}00-0000-4000-8000-0000000000f7`;
const serverId = `server-${tag}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

// A real qemu-storage-daemon serving with TLS-PSK; clients are qemu-img and a real QEMU.
describe.skipIf(!ready)('NBD exports over TLS-PSK: only a host holding its key reads the volume', () => {
  let root = '';
  let testDb: TestDatabase;
  let store: StrataDb;
  let daemon: QemuStorageDaemon;
  let keys: NbdPskKeys;
  let deps: VolumeDeps;
  let remote: WorkloadDisk;
  let vm: QemuVm | undefined;

  /** The first bytes of the export, read by qemu-img as an NBD client, with TLS creds or none. */
  async function readHead(creds?: { identity: string; key: string }): Promise<string> {
    const url = new URL(remote.source);
    const out = join(root, `head-${randomBytes(3).toString('hex')}.raw`);
    const opts = [
      'driver=raw',
      'file.driver=nbd',
      'file.server.type=inet',
      `file.server.host=${url.hostname}`,
      `file.server.port=${url.port}`,
      `file.export=${url.pathname.slice(1)}`,
    ];
    const args = ['dd', '--image-opts', '-O', 'raw', 'bs=64', 'count=1', `of=${out}`];
    if (creds !== undefined) {
      const dir = join(root, `client-${creds.identity}-${creds.key.slice(0, 6)}`);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(join(dir, 'keys.psk'), `${creds.identity}:${creds.key}\n`, { mode: 0o600 });
      args.push('--object', `tls-creds-psk,id=t0,endpoint=client,dir=${dir},username=${creds.identity}`);
      opts.push('file.tls-creds=t0');
    }
    await runCommand('qemu-img', [...args, `if=${opts.join(',')}`], { timeoutMs: 20_000 });
    return readFileSync(out, 'latin1').replace(/\0+$/, '');
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'strata-nbdtls-'));
    testDb = await createTestDatabase('sqlite');
    store = await openDatabase(testDb.url);
    const tlsDir = join(root, 'exports', 'tls');
    keys = new NbdPskKeys(tlsDir);
    daemon = new QemuStorageDaemon(
      join(root, 'exports'),
      { host: '127.0.0.1', port: await freePort() },
      tlsDir,
    );
    deps = exportTestDeps(store, join(root, 'pool'), { backendHost: 'backend', server: daemon, tls: keys });
    await attachedVolume(deps, volumeId, serverId);
    const marker = join(root, 'marker');
    writeFileSync(marker, `STRATA-DATA: ${token}\n`);
    const file = await deps.pool.create(volumeId, 1);
    await runCommand('qemu-io', ['-f', 'qcow2', '-c', `write -s ${marker} 0 ${token.length + 14}`, file]);
    remote = await diskForHost(deps, serverId, 'compute-2', {
      volumeId,
      source: file,
      format: 'qcow2',
      readOnly: false,
    });
  }, 60_000);

  afterAll(async () => {
    await vm?.terminate().catch(() => undefined);
    await daemon?.stop().catch(() => undefined);
    for (const pid of pidsMentioning(root)) process.kill(pid, 'SIGKILL');
    await store?.close();
    await testDb?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it("hands the remote host an nbd:// disk with that host's own key, kept private", async () => {
    expect(remote.source).toMatch(/^nbd:\/\/127\.0\.0\.1:\d+\/attachment-/);
    expect(remote.nbdTls).toEqual({
      identity: expect.stringMatching(/^strata-compute-2-/),
      key: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(await keys.forHost('compute-2')).toEqual(remote.nbdTls);
    expect((await keys.forHost('compute-3')).key).not.toBe(remote.nbdTls!.key);
    expect(statSync(keys.file).mode & 0o777).toBe(0o600);
    expect(statSync(keys.dir).mode & 0o777).toBe(0o700);
  });

  it('refuses a client without TLS and one with a wrong key; the key holder reads the data', async () => {
    await expect(readHead()).rejects.toThrow(/TLS/i);
    await expect(readHead({ identity: remote.nbdTls!.identity, key: 'ab'.repeat(32) })).rejects.toThrow(
      /TLS|handshake|psk|decrypt/i,
    );
    await expect(readHead({ identity: 'strata-stranger', key: remote.nbdTls!.key })).rejects.toThrow(
      /TLS|handshake|psk|decrypt/i,
    );
    expect(await readHead(remote.nbdTls)).toBe(`STRATA-DATA: ${token}\n`);
  });

  it('restarts a daemon left serving without TLS (started before TLS was on) with TLS', async () => {
    const dir = join(root, 'exports-upgrade');
    const address = { host: '127.0.0.1', port: await freePort() };
    // A file of its own: the first daemon holds the volume's write lock.
    const file = join(root, 'upgrade.qcow2');
    await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', file, '1M']);
    const plain = new QemuStorageDaemon(dir, address);
    const tlsDir = join(dir, 'tls');
    const tls = new QemuStorageDaemon(dir, address, tlsDir);
    try {
      const want = [
        { name: 'upgrade', volumeId: `${tag}03-0000-4000-8000-0000000000f7`, path: file, readOnly: true },
      ];
      await plain.sync(want);
      const before = await plain.pid();
      await tls.sync(want);
      expect(await tls.pid()).not.toBe(before);
      expect(await tls.served()).toEqual(['upgrade']);
      await expect(
        runCommand(
          'qemu-io',
          ['-r', '-f', 'raw', '-c', 'read 0 512', `nbd://127.0.0.1:${address.port}/upgrade`],
          {
            timeoutMs: 20_000,
          },
        ),
      ).rejects.toThrow(/TLS/i);
    } finally {
      await tls.stop();
    }
  });

  it("opens the export from QEMU's NBD client with the disk's key, at launch and at hot attach", async () => {
    const paths = workloadPaths(join(root, 'state'), 'w1');
    mkdirSync(paths.dir, { recursive: true });
    await runCommand('qemu-img', ['create', '-q', '-f', 'raw', paths.configDrive, '1M']);
    vm = new QemuVm(paths, 'qemu-system-x86_64');
    const device: WorkloadDevice = { kind: 'disk', disk: remote };
    const rec: VmRecord = {
      version: 1,
      workloadId: 'w1',
      name: 'nbd-tls',
      vcpus: 1,
      memoryMb: 64,
      rootGb: 0,
      image: { id: '', diskFormat: 'qcow2', basePath: '' },
      accelerator: 'tcg',
      power: 'running',
      devices: [device],
    };
    // QEMU opens the NBD disk at start: a refused handshake would fail the launch.
    await vm.launch(rec, { incoming: true });
    const keyFile = join(tlsDirOf(paths.dir, volumeId), 'keys.psk');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const nodes = await vm.command<Array<{ 'node-name': string; drv: string }>>('query-named-block-nodes', {
      flat: true,
    });
    expect(nodes.some((n) => n.drv === 'nbd')).toBe(true);
    // The same export hot attached as a second disk: with a wrong key the server refuses
    // it; with the host's key it opens (so the refusal is the key's doing).
    const second = (key: string): WorkloadDevice => ({
      kind: 'disk',
      disk: {
        ...remote,
        volumeId: `${tag}02-0000-4000-8000-0000000000f7`,
        nbdTls: { ...remote.nbdTls!, key },
      },
    });
    await expect(hotAttach(vm, second('cd'.repeat(32)))).rejects.toThrow(/TLS|handshake|psk|decrypt/i);
    await hotAttach(vm, second(remote.nbdTls!.key));
  }, 60_000);
});
