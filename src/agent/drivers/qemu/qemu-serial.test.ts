import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { bridgeSerialConsole } from '../../../compute/consoles/serial-console-bridge.js';
import { hasCommand } from '../../host/command.js';
import { serialConsoleServer } from '../../serial-console-server.js';
import { findHostKernel } from '../../test-images/kernel-modules.js';
import { buildVmTestImage } from '../../test-images/vm-image.js';
import type { WorkloadHandle, WorkloadSpec } from '../driver.js';
import { createQemuDriver, type QemuDriver } from './qemu-driver.js';
import { pidsMentioning } from './testing/process-scan.js';

const tools = ['qemu-system-x86_64', 'qemu-img', 'xorriso', 'mkfs.vfat', 'mcopy', 'syslinux'];
const canBoot =
  process.getuid?.() === 0 &&
  tools.every((t) => hasCommand(t)) &&
  existsSync('/bin/busybox') &&
  (await findHostKernel()) !== undefined;

const signal = new AbortController().signal;
const workloadId = '6f1c2a8e-0000-4000-8000-00000000c501';

/** Resolves with everything received once `text` shows in it (the guest's tty writes CRLF). */
function waitForText(received: () => string, text: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      const seen = received().replaceAll('\r\n', '\n');
      if (seen.includes(text)) return resolve(seen);
      if (Date.now() > deadline) return reject(new Error(`no "${text}" within ${timeoutMs} ms:\n${seen}`));
      setTimeout(poll, 100);
    };
    poll();
  });
}

// One boot (TCG is slow): the websocket reaches the guest's serial port through the agent's
// console server and the driver, and the console log keeps recording meanwhile.
describe.skipIf(!canBoot)('qemu serial console (boots the VM test image)', () => {
  let root = '';
  let driver: QemuDriver;
  let h: WorkloadHandle;
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'strata-qemu-serial-'));
    const image = await buildVmTestImage({ cacheDir: join(root, 'images') });
    driver = createQemuDriver({ stateDir: join(root, 'state'), cacheDir: join(root, 'cache') });
    const spec: WorkloadSpec = {
      workloadId,
      name: 'serial',
      hostname: 'serial-vm',
      kind: 'vm',
      vcpus: 1,
      memoryMb: 256,
      rootGb: 1,
      image: {
        id: 'test-image',
        diskFormat: 'qcow2',
        containerFormat: 'bare',
        path: image.path,
        properties: {},
      },
      projectId: 'p1',
      availabilityZone: 'nova',
      launchIndex: 0,
      userData: null,
      metadata: {},
      keyName: null,
      keyData: null,
      configDrive: false,
      extraSpecs: {},
      nics: [],
      disks: [],
    };
    h = await driver.create(spec, signal);
    const consoles = serialConsoleServer(driver);
    http.on('upgrade', (req, socket, head) => {
      consoles.open(workloadId).then(
        (port) => wss.handleUpgrade(req, socket, head, (ws) => bridgeSerialConsole(ws, port)),
        () => socket.destroy(),
      );
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  }, 180_000);

  afterAll(async () => {
    for (const c of wss.clients) c.terminate();
    http.close();
    if (driver !== undefined) await driver.destroy(workloadId, signal).catch(() => undefined);
    // Whatever a failed test left: no QEMU of ours may outlive the suite.
    for (const pid of pidsMentioning(root)) process.kill(pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('shows the guest shell over the websocket, runs a typed command, and still logs the console', async () => {
    const log = async () => driver.consoleLog(h);
    let logged = '';
    const deadline = Date.now() + 120_000;
    while (!logged.includes('strata-guest#')) {
      if (Date.now() > deadline) throw new Error(`the guest shell never started:\n${logged}`);
      await new Promise((r) => setTimeout(r, 250));
      logged = await log();
    }
    expect(await driver.serialConsoleState(h)).toBe('ready');

    const { port } = http.address() as AddressInfo;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    let received = '';
    ws.on('message', (data: Buffer) => (received += data.toString('utf8')));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    // An empty line makes the shell print its prompt again: output reaches the websocket.
    ws.send('\r');
    await waitForText(() => received, 'strata-guest#', 20_000);
    // The echo shows the command as typed; only a shell that ran it prints the product.
    ws.send('echo strata-$((6*7))\r');
    await waitForText(() => received, 'strata-42', 20_000);
    ws.close();
    await new Promise((r) => ws.once('close', r));

    // The chardev's logfile recorded the same exchange, so `console log show` keeps working.
    expect((await log()).replaceAll('\r\n', '\n')).toContain('strata-42');

    // The port is free again once the websocket closed: a second console connects.
    const again = new WebSocket(`ws://127.0.0.1:${port}/`);
    let more = '';
    again.on('message', (data: Buffer) => (more += data.toString('utf8')));
    await new Promise((resolve, reject) => again.once('open', resolve).once('error', reject));
    again.send('echo again-$((2+3))\r');
    await waitForText(() => more, 'again-5', 20_000);
    again.close();
  }, 200_000);

  it('has no serial console once the VM is gone', async () => {
    await driver.destroy(workloadId, signal);
    expect(await driver.serialConsoleState(h)).toBe('not-running');
    await expect(driver.serialConsole(h)).rejects.toThrow(/no serial console/);
  }, 60_000);
});
