import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliCloud } from '../support/cli-cloud.js';
import { drivers } from '../../src/agent/drivers/registry.js';
import { type OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable, startStrata } from '../support/strata-process.js';
import { serialConsoleStatus, typeIntoSerialConsole } from '../support/serial-console-client.js';

const missing = [drivers.qemu.missing(), drivers.runc.missing()].filter((m) => m !== undefined);
const ready = openstackCliAvailable() && builtCliAvailable() && missing.length === 0;

type Server = Record<string, unknown>;

/** Processes whose command line names the server (qemu carries its id; runc's container init does not). */
function qemuProcesses(id: string): number {
  try {
    return execFileSync('pgrep', ['-f', `qemu-system.*${id}`], { encoding: 'utf8' })
      .trim()
      .split('\n').length;
  } catch {
    return 0;
  }
}

// Real QEMU VMs and runc containers through the real `openstack` CLI (root, qemu and runc needed; CI has them).
describe.skipIf(!ready)('openstack CLI against strata up: real VMs and containers', () => {
  let strata: StrataProcess;
  let cli: OpenStackCli;
  const show = (name: string) => cli.json<Server>('admin', ['server', 'show', name]);
  const waitFor = async (name: string, status: string, seconds = 120) => {
    let s: Server = {};
    for (let i = 0; i < seconds * 4; i++) {
      s = await show(name);
      if (s['status'] === status && s['OS-EXT-STS:task_state'] === null) return s;
      if (s['status'] === 'ERROR' && status !== 'ERROR') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${name} never reached ${status}: ${JSON.stringify(s)}`);
  };
  const consoleLog = async (name: string) => cli.ok('admin', ['console', 'log', 'show', name]);
  /** Waits until `text` appears at least `times` times in the console log. */
  const waitForConsole = async (name: string, text: string, times = 1, seconds = 120) => {
    let log = '';
    for (let i = 0; i < seconds * 2; i++) {
      log = await consoleLog(name);
      if (log.split(text).length - 1 >= times) return log;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`console of ${name} never showed ${JSON.stringify(text)} ${times}x:\n${log}`);
  };

  beforeAll(async () => {
    ({ strata, cli } = await startCliCloud({ env: { STRATA_COMPUTE_DRIVER: 'qemu,runc' } }));
    writeFileSync(join(strata.dataDir, 'user-data.txt'), 'hello from user data 42\n');
  });
  afterAll(async () => {
    if (strata) {
      await cli.run('admin', ['server', 'delete', '--wait', 'vm1', 'vm2', 'ct1']);
      expect(await strata.stop()).toBe(0);
      await strata.cleanup();
    }
  });

  it('registers the bootable test images', async () => {
    const images = await cli.json<Array<{ Name: string }>>('admin', ['image', 'list']);
    expect(images.map((i) => i.Name)).toEqual(
      expect.arrayContaining(['strata-test-vm', 'strata-test-container']),
    );
  });

  describe('a QEMU virtual machine', () => {
    it('boots, and its console shows the marker, the hostname and the user data', async () => {
      const s = await cli.json<Server>('admin', [
        'server',
        'create',
        '--image',
        'strata-test-vm',
        '--flavor',
        'm1.tiny',
        '--user-data',
        join(strata.dataDir, 'user-data.txt'),
        '--wait',
        'vm1',
      ]);
      expect(s['status']).toBe('ACTIVE');
      const log = await waitForConsole('vm1', 'STRATA-TEST-VM: booted');
      await waitForConsole('vm1', 'hello from user data 42');
      expect(await consoleLog('vm1')).toContain('STRATA-TEST-VM: hostname=vm1');
      expect(log).toBeTruthy();
      expect(qemuProcesses(String(s['id']))).toBe(1);
      // What the running VM reports, through `server show --diagnostics` (Nova's os-server-diagnostics).
      const d = await cli.json<Record<string, unknown>>('admin', ['server', 'show', '--diagnostics', 'vm1']);
      expect(d).toMatchObject({
        driver: 'qemu',
        power_state: 'running',
        disk_format: 'qcow2',
        memory_mb: 512,
      });
      expect(['kvm', 'tcg']).toContain(d['accelerator']);
    });

    it('gives a serial console URL whose websocket reaches the guest shell, once', async () => {
      await waitForConsole('vm1', 'strata-guest#');
      const c = await cli.json<{ type: string; url: string }>('admin', [
        'console',
        'url',
        'show',
        '--serial',
        'vm1',
      ]);
      expect(c.type).toBe('serial');
      expect(c.url).toMatch(/^ws:\/\/[^/]+\/compute\/console\/serial\?token=[\w-]+$/);
      // The typed command echoes as typed; only a shell that ran it prints the product.
      await typeIntoSerialConsole(c.url, 'echo strata-$((6*7))\r', 'strata-42');
      expect(await serialConsoleStatus(c.url)).toBe(401);
      await waitForConsole('vm1', 'strata-42');
    });

    it('reboots soft and hard, stops and starts, pauses and unpauses', async () => {
      await cli.ok('admin', ['server', 'reboot', '--soft', '--wait', 'vm1']);
      await waitFor('vm1', 'ACTIVE');
      await waitForConsole('vm1', 'STRATA-TEST-VM: booted', 2);
      await cli.ok('admin', ['server', 'reboot', '--hard', '--wait', 'vm1']);
      await waitForConsole('vm1', 'STRATA-TEST-VM: booted', 3);
      await cli.ok('admin', ['server', 'stop', 'vm1']);
      const stopped = await waitFor('vm1', 'SHUTOFF');
      expect(qemuProcesses(String(stopped['id']))).toBe(0);
      await cli.ok('admin', ['server', 'start', 'vm1']);
      await waitFor('vm1', 'ACTIVE');
      await waitForConsole('vm1', 'STRATA-TEST-VM: booted', 4);
      await cli.ok('admin', ['server', 'pause', 'vm1']);
      await waitFor('vm1', 'PAUSED');
      await cli.ok('admin', ['server', 'unpause', 'vm1']);
      await waitFor('vm1', 'ACTIVE');
    });

    it('snapshots into a bootable image, and rebuilds', async () => {
      await cli.ok('admin', ['server', 'image', 'create', '--name', 'vm1-snap', '--wait', 'vm1']);
      const snap = await cli.json<Server>('admin', ['image', 'show', 'vm1-snap']);
      expect(snap).toMatchObject({ status: 'active', disk_format: 'qcow2' });
      await cli.ok('admin', [
        'server',
        'create',
        '--image',
        'vm1-snap',
        '--flavor',
        'm1.tiny',
        '--wait',
        'vm2',
      ]);
      await waitForConsole('vm2', 'STRATA-TEST-VM: hostname=vm2');
      await cli.ok('admin', ['server', 'delete', '--wait', 'vm2']);
      await cli.ok('admin', ['server', 'rebuild', '--image', 'strata-test-vm', '--wait', 'vm1']);
      await waitFor('vm1', 'ACTIVE');
      await waitForConsole('vm1', 'STRATA-TEST-VM: booted');
    });

    it('resizes with confirm and with revert', async () => {
      await cli.ok('admin', ['server', 'resize', '--flavor', 'm1.small', '--wait', 'vm1']);
      await waitFor('vm1', 'VERIFY_RESIZE');
      await cli.ok('admin', ['server', 'resize', 'confirm', 'vm1']);
      expect((await waitFor('vm1', 'ACTIVE'))['flavor']).toMatch(/m1\.small/);
      await cli.ok('admin', ['server', 'resize', '--flavor', 'm1.medium', '--wait', 'vm1']);
      await waitFor('vm1', 'VERIFY_RESIZE');
      await cli.ok('admin', ['server', 'resize', 'revert', 'vm1']);
      expect((await waitFor('vm1', 'ACTIVE'))['flavor']).toMatch(/m1\.small/);
      await waitForConsole('vm1', 'STRATA-TEST-VM: booted');
    });

    it('keeps running VMs across an agent restart, and reports one killed from outside as SHUTOFF', async () => {
      const id = String((await show('vm1'))['id']);
      expect(await strata.stop()).toBe(0);
      expect(qemuProcesses(id)).toBe(1); // the VM outlives the process
      strata = await startStrata({ dataDir: strata.dataDir, env: { STRATA_COMPUTE_DRIVER: 'qemu,runc' } });
      cli.setCloud('admin', strata.adminAuth);
      await waitFor('vm1', 'ACTIVE');
      expect(qemuProcesses(id)).toBe(1); // re-attached, not started twice
      execFileSync('pkill', ['-KILL', '-f', `qemu-system.*${id}`]);
      await waitFor('vm1', 'SHUTOFF', 90);
    });

    it('deletes everything the VM had on the host', async () => {
      const id = String((await show('vm1'))['id']);
      await cli.ok('admin', ['server', 'delete', '--wait', 'vm1']);
      expect(qemuProcesses(id)).toBe(0);
      const dir = join(strata.dataDir, 'instances', 'qemu');
      expect(existsSync(dir) ? readdirSync(dir).filter((f) => f.includes(id)) : []).toEqual([]);
    });
  });

  describe('a runc container', () => {
    it('runs, and its console shows the marker, the hostname and the user data', async () => {
      const s = await cli.json<Server>('admin', [
        'server',
        'create',
        '--image',
        'strata-test-container',
        '--flavor',
        'm1.tiny',
        '--user-data',
        join(strata.dataDir, 'user-data.txt'),
        '--wait',
        'ct1',
      ]);
      expect(s['status']).toBe('ACTIVE');
      await waitForConsole('ct1', 'STRATA-TEST-CONTAINER: booted', 1, 30);
      const log = await waitForConsole('ct1', 'hello from user data 42', 1, 30);
      expect(log).toContain('STRATA-TEST-CONTAINER: hostname=ct1');
    });

    it('gives a serial console URL whose websocket reaches the container’s shell, once', async () => {
      const c = await cli.json<{ type: string; url: string }>('admin', [
        'console',
        'url',
        'show',
        '--serial',
        'ct1',
      ]);
      expect(c.type).toBe('serial');
      expect(c.url).toMatch(/^ws:\/\/[^/]+\/compute\/console\/serial\?token=[\w-]+$/);
      // The agent echoes the typed line; only the container's shell prints the product.
      await typeIntoSerialConsole(c.url, 'echo strata-$((40+2))\r', '\nstrata-42\n');
      expect(await serialConsoleStatus(c.url)).toBe(401);
      await waitForConsole('ct1', 'strata-42', 1, 30);
    });

    it('stops, starts, reboots, pauses and unpauses', async () => {
      await cli.ok('admin', ['server', 'stop', 'ct1']);
      await waitFor('ct1', 'SHUTOFF');
      await cli.ok('admin', ['server', 'start', 'ct1']);
      await waitFor('ct1', 'ACTIVE');
      await waitForConsole('ct1', 'STRATA-TEST-CONTAINER: booted', 2, 30);
      await cli.ok('admin', ['server', 'reboot', '--hard', '--wait', 'ct1']);
      await waitForConsole('ct1', 'STRATA-TEST-CONTAINER: booted', 3, 30);
      await cli.ok('admin', ['server', 'pause', 'ct1']);
      await waitFor('ct1', 'PAUSED');
      await cli.ok('admin', ['server', 'unpause', 'ct1']);
      await waitFor('ct1', 'ACTIVE');
    });

    it('deletes the container and its files', async () => {
      const id = String((await show('ct1'))['id']);
      await cli.ok('admin', ['server', 'delete', '--wait', 'ct1']);
      const dir = join(strata.dataDir, 'instances', 'runc');
      expect(existsSync(dir) ? readdirSync(dir).filter((f) => f.includes(id)) : []).toEqual([]);
    });
  });

  describe('bad input', () => {
    it('ends a server whose image file is corrupt in ERROR with a fault that says why', async () => {
      const file = join(strata.dataDir, 'corrupt.qcow2');
      writeFileSync(
        file,
        Buffer.concat([Buffer.from('QFI\xfb\x00\x00\x00\x03', 'latin1'), Buffer.alloc(4096, 7)]),
      );
      await cli.ok('admin', [
        'image',
        'create',
        '--file',
        file,
        '--disk-format',
        'qcow2',
        '--container-format',
        'bare',
        'corrupt',
      ]);
      await cli.run('admin', ['server', 'create', '--image', 'corrupt', '--flavor', 'm1.tiny', 'broken']);
      const s = await waitFor('broken', 'ERROR');
      expect(JSON.stringify(s['fault'])).toMatch(/qemu-img|image/i);
      await cli.ok('admin', ['server', 'delete', '--wait', 'broken']);
    });

    it('refuses a flavor too small for the image like Nova', async () => {
      await cli.ok('admin', ['image', 'set', '--min-disk', '30', 'strata-test-vm']);
      try {
        const r = await cli.run('admin', [
          'server',
          'create',
          '--image',
          'strata-test-vm',
          '--flavor',
          'm1.tiny',
          'small',
        ]);
        expect(r.code).not.toBe(0);
        expect(r.stderr).toMatch(
          /Flavor's disk is smaller than the minimum size specified in image metadata/,
        );
      } finally {
        await cli.ok('admin', ['image', 'set', '--min-disk', '0', 'strata-test-vm']);
      }
    });
  });
});
