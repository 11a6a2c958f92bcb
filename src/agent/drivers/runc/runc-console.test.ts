import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../host/command.js';
import { buildContainerTestImage, containerTestMarker } from '../../test-images/container-image.js';
import type { ContainerTestImage } from '../../test-images/container-image.js';
import type { WorkloadHandle, WorkloadSpec } from '../driver.js';
import { mountsUnder } from './rootfs.js';
import { RuncDriver } from './runc-driver.js';

const runnable = process.getuid?.() === 0 && hasCommand('runc') && existsSync('/bin/busybox');
const signal = new AbortController().signal;

/** What a console sent, read as it arrives. */
function listen(port: Duplex): () => string {
  let got = '';
  port.on('data', (c: Buffer) => (got += c.toString('utf8')));
  return () => got;
}

async function until(what: () => string, text: string, ms = 15_000): Promise<string> {
  const deadline = Date.now() + ms;
  while (!what().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(text)} in ${JSON.stringify(what())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return what();
}

function close(port: Duplex): Promise<void> {
  return new Promise((resolve) => {
    if (port.destroyed) return resolve();
    port.once('close', () => resolve());
    port.destroy();
  });
}

describe.skipIf(!runnable)('runc driver: serial console (real containers)', () => {
  let base = '';
  let stateDir = '';
  let cacheDir = '';
  let image: ContainerTestImage;
  let driver: RuncDriver;
  let seq = 0;

  const spec = (): WorkloadSpec => ({
    workloadId: `strata-console-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 8)}`,
    name: 'console test',
    hostname: 'ct-console',
    kind: 'container',
    vcpus: 1,
    memoryMb: 64,
    rootGb: 1,
    image: {
      id: 'busybox-test',
      diskFormat: 'raw',
      containerFormat: 'docker',
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
    configDrive: true,
    extraSpecs: {},
    nics: [],
    disks: [],
  });
  const booted = async (d: RuncDriver, h: WorkloadHandle) => {
    const deadline = Date.now() + 15_000;
    while (!(await d.consoleLog(h)).includes(`${containerTestMarker}: user-data-end`)) {
      if (Date.now() > deadline) throw new Error(`never booted:\n${await d.consoleLog(h)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'strata-runc-console-'));
    stateDir = join(base, 'state');
    cacheDir = join(base, 'cache');
    image = await buildContainerTestImage(join(base, 'images'));
    driver = new RuncDriver({ stateDir, cacheDir, gracefulStopMs: 5_000 });
  }, 120_000);

  afterEach(async () => {
    for (const w of await driver.list()) await driver.destroy(w.workloadId, signal);
  });

  afterAll(async () => {
    if (!base) return;
    for (const w of await driver.list()) await driver.destroy(w.workloadId, signal);
    const left = await mountsUnder(base);
    rmSync(base, { recursive: true, force: true });
    expect(left).toEqual([]);
  });

  it('types a command into the container’s shell and shows its output (the log keeps it too)', async () => {
    const h = await driver.create(spec(), signal);
    await booted(driver, h);
    expect(await driver.serialConsoleState(h)).toBe('ready');
    const port = await driver.serialConsole(h);
    const got = listen(port);
    port.write('echo strata-$((40+2))\r');
    const out = await until(got, 'strata-42');
    // The typed line is echoed (with CRLF), then the shell's answer on a line of its own.
    expect(out).toContain('echo strata-$((40+2))\r\n');
    expect(out).toMatch(/\r\nstrata-42\r\n/);
    expect(await driver.consoleLog(h)).toMatch(/^strata-42$/m);
    await close(port);
    expect((await driver.observe(h.workloadId))?.power).toBe('running');
  }, 60_000);

  it('connects again through a new driver instance (an agent restart), and after a restart of the container', async () => {
    const h = await driver.create(spec(), signal);
    await booted(driver, h);
    await close(await driver.serialConsole(h));
    const restarted = new RuncDriver({ stateDir, cacheDir, gracefulStopMs: 5_000 });
    const port = await restarted.serialConsole(h);
    const got = listen(port);
    port.write('echo again-$((1+1))\n');
    await until(got, 'again-2');
    await close(port);

    await restarted.reboot(h, true, signal);
    await booted(restarted, h);
    const after = await restarted.serialConsole(h);
    const gotAfter = listen(after);
    after.write('hostname\r');
    await until(gotAfter, '\r\nct-console\r\n');
    await close(after);
  }, 90_000);

  it('reaches only its own container, and none that is stopped or unknown', async () => {
    const a = await driver.create(spec(), signal);
    const b = await driver.create(spec(), signal);
    await Promise.all([booted(driver, a), booted(driver, b)]);
    const portB = await driver.serialConsole(b);
    const gotB = listen(portB);
    const portA = await driver.serialConsole(a);
    const gotA = listen(portA);
    portA.write('echo only-in-$((7*6))-a\r');
    await until(gotA, 'only-in-42-a');
    await new Promise((r) => setTimeout(r, 300));
    expect(gotB()).not.toContain('only-in-42-a');
    expect(await driver.consoleLog(b)).not.toContain('only-in-42-a');
    await Promise.all([close(portA), close(portB)]);

    await driver.stop(a, { timeoutMs: 5_000 }, signal);
    expect(await driver.serialConsoleState(a)).toBe('not-running');
    await expect(driver.serialConsole(a)).rejects.toThrow(/no console/);
    const unknown = { ...a, workloadId: 'strata-console-nobody' };
    expect(await driver.serialConsoleState(unknown)).toBe('not-running');
    expect(await driver.serialConsoleState({ ...a, workloadId: '../etc' })).toBe('not-running');
  }, 90_000);

  it('ends the console when the container stops', async () => {
    const h = await driver.create(spec(), signal);
    await booted(driver, h);
    const port = await driver.serialConsole(h);
    port.resume();
    const ended = new Promise<void>((resolve) => port.once('end', () => resolve()));
    await driver.stop(h, { timeoutMs: 5_000 }, signal);
    await ended;
    await close(port);
  }, 60_000);
});
