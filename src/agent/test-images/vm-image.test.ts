import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../host/command.js';
import { findHostKernel, moduleName, parseModulesDep, resolveModules } from './kernel-modules.js';
import { guestModules } from './vm-guest-files.js';
import { buildVmTestImage, type VmTestImage } from './vm-image.js';

const kernel = await findHostKernel();
const tools = ['qemu-img', 'qemu-system-x86_64', 'mkfs.vfat', 'mcopy', 'syslinux', 'xorriso'];
const canBuild = kernel !== undefined && existsSync('/bin/busybox') && tools.every((t) => hasCommand(t));

describe('kernel-modules', () => {
  it('parses modules.dep and names modules as the kernel does', () => {
    const deps = parseModulesDep(
      'kernel/a/virtio-blk.ko.xz: kernel/v/virtio.ko kernel/v/ring.ko\nkernel/v/ring.ko:\n',
    );
    expect(deps.get('virtio_blk')).toEqual({
      path: 'kernel/a/virtio-blk.ko.xz',
      deps: ['kernel/v/virtio.ko', 'kernel/v/ring.ko'],
    });
    expect(moduleName('kernel/fs/isofs/isofs.ko.zst')).toBe('isofs');
  });

  it.skipIf(kernel === undefined)('orders dependencies before the modules that need them', async () => {
    const order = (await resolveModules(kernel!.modulesDir, ['virtio_blk', 'isofs'])).map(moduleName);
    expect(order.indexOf('virtio_ring')).toBeLessThan(order.indexOf('virtio'));
    expect(order.indexOf('virtio')).toBeLessThan(order.indexOf('virtio_blk'));
    expect(order.indexOf('cdrom')).toBeLessThan(order.indexOf('isofs'));
    expect(new Set(order).size).toBe(order.length);
    await expect(resolveModules(kernel!.modulesDir, ['no_such_module'])).rejects.toThrow(/no_such_module/);
  });

  it.skipIf(kernel === undefined)(
    'gives the guest virtio-net with the failover modules it needs',
    async () => {
      const order = (await resolveModules(kernel!.modulesDir, guestModules)).map(moduleName);
      expect(order).toEqual(expect.arrayContaining(['virtio_blk', 'virtio_net']));
      expect(order.indexOf('virtio')).toBeLessThan(order.indexOf('virtio_net'));
      for (const dep of ['failover', 'net_failover'])
        if (order.includes(dep)) expect(order.indexOf(dep)).toBeLessThan(order.indexOf('virtio_net'));
    },
  );
});

describe.skipIf(!canBuild)('vm test image', () => {
  let dir = '';
  let image: VmTestImage;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-vm-image-'));
    image = await buildVmTestImage({ cacheDir: join(dir, 'a') });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a qcow2 image with the checksum and size of its file', async () => {
    const { stdout } = await runCommand('qemu-img', ['info', '--output=json', image.path]);
    expect(JSON.parse(stdout)).toMatchObject({ format: 'qcow2' });
    expect(image).toMatchObject({ diskFormat: 'qcow2', containerFormat: 'bare' });
    expect(image.sizeBytes).toBe(readFileSync(image.path).length);
    expect(image.checksum).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is cached, and rebuilding from the same inputs gives the same bytes', async () => {
    expect((await buildVmTestImage({ cacheDir: join(dir, 'a') })).path).toBe(image.path);
    expect(readdirSync(join(dir, 'a'))).toEqual([image.path.split('/').at(-1)]);
    const again = await buildVmTestImage({ cacheDir: join(dir, 'b') });
    expect(again.checksum).toBe(image.checksum);
  });

  it('boots under SeaBIOS and prints its marker on the serial console', async () => {
    const log = join(dir, 'serial.log');
    const started = Date.now();
    const qemu = spawn(
      'qemu-system-x86_64',
      [
        ...['-accel', 'tcg', '-cpu', 'max', '-machine', 'pc', '-m', '256', '-nodefaults', '-display', 'none'],
        ...['-snapshot', '-drive', `file=${image.path},format=qcow2,if=virtio`],
        ...['-chardev', `file,id=s,path=${log}`, '-serial', 'chardev:s'],
      ],
      { stdio: 'ignore' },
    );
    try {
      await waitFor(
        () => existsSync(log) && readFileSync(log, 'utf8').includes('STRATA-TEST-VM: ready'),
        60_000,
      );
      const text = readFileSync(log, 'utf8');
      expect(text).toContain('STRATA-TEST-VM: booted');
      // No config drive attached: the guest says so and still comes up.
      expect(text).toContain('STRATA-TEST-VM: no config drive found');
      console.log(`vm test image: boot to ready under TCG in ${Date.now() - started} ms`);
    } finally {
      qemu.kill('SIGKILL');
    }
  });
});

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
