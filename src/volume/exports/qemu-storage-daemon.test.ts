import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../../agent/host/command.js';
import { QemuStorageDaemon } from './qemu-storage-daemon.js';

const canRun = hasCommand('qemu-storage-daemon') && hasCommand('qemu-img');
const volumeId = '5e6f0000-0000-4000-8000-0000000000e6';
const GiB = 1024 ** 3;

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

// The real daemon: an in-use extend grows the volume's image through it (it holds the
// qcow2's write lock), and an NBD client connecting afterwards sees the new size.
describe.skipIf(!canRun)('qemu-storage-daemon export grow (in-use extend of an exported volume)', () => {
  let root = '';
  let daemon: QemuStorageDaemon;
  let file = '';
  const exportSize = async () => {
    const uri = `nbd://127.0.0.1:${daemon.address.port}/attachment-e6`;
    const { stdout } = await runCommand('qemu-img', ['info', '--output=json', uri], { timeoutMs: 20_000 });
    return (JSON.parse(stdout) as { 'virtual-size': number })['virtual-size'];
  };
  const fileSize = async () => {
    const { stdout } = await runCommand('qemu-img', ['info', '-U', '--output=json', file]);
    return (JSON.parse(stdout) as { 'virtual-size': number })['virtual-size'];
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'strata-qsd-grow-'));
    file = join(root, 'volume.qcow2');
    await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', file, '1G']);
    daemon = new QemuStorageDaemon(join(root, 'qsd'), { host: '127.0.0.1', port: await freePort() });
    await daemon.sync([{ name: 'attachment-e6', volumeId, path: file, readOnly: false }]);
  });
  afterAll(async () => {
    await daemon?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('grows the image under the export; new NBD clients and the file see the new size', async () => {
    expect(await exportSize()).toBe(GiB);
    expect(await daemon.grow(volumeId, 2 * GiB)).toBe(true);
    // The export was dropped for the resize; the next sync (the reconciler's) serves it again.
    await daemon.sync([{ name: 'attachment-e6', volumeId, path: file, readOnly: false }]);
    expect(await daemon.served()).toEqual(['attachment-e6']);
    expect(await exportSize()).toBe(2 * GiB);
    expect(await fileSize()).toBe(2 * GiB);
    // Idempotent, and never shrinks.
    expect(await daemon.grow(volumeId, GiB)).toBe(true);
    expect(await exportSize()).toBe(2 * GiB);
  });

  it('answers false for a volume it does not export, and when it is down', async () => {
    expect(await daemon.grow('5e6f0000-0000-4000-8000-0000000000ff', 2 * GiB)).toBe(false);
    await daemon.stop();
    expect(await daemon.grow(volumeId, 3 * GiB)).toBe(false);
    expect(await fileSize()).toBe(2 * GiB);
  });
});
