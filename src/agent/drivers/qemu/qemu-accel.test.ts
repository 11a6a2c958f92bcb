import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../host/command.js';
import { detectAccelerator, probeArgs } from './qemu-accel.js';

describe('qemu-accel', () => {
  let dir = '';
  let kvm = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-accel-'));
    kvm = join(dir, 'kvm');
    writeFileSync(kvm, '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A stand-in for qemu-system-x86_64 that behaves as a working, hanging or failing KVM. */
  function fakeQemu(name: string, body: string): string {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it('boots a kernel when there is one, else looks for the firmware boot attempt', () => {
    const withKernel = probeArgs('/boot/vmlinuz-x');
    expect(withKernel.args).toEqual(expect.arrayContaining(['-accel', 'kvm', '-kernel', '/boot/vmlinuz-x']));
    expect(withKernel.expect.test('[    0.000000] Linux version 6.1.0')).toBe(true);
    const firmware = probeArgs(undefined);
    expect(firmware.args).not.toContain('-kernel');
    expect(firmware.expect.test('No bootable device.')).toBe(true);
  });

  it('picks KVM when the guest prints its banner', async () => {
    const qemu = fakeQemu('works', 'echo "Linux version 6.1.0"; exec sleep 30');
    const probe = await detectAccelerator({ qemuBinary: qemu, kernelPath: '/k', kvmDevice: kvm });
    expect(probe.accelerator).toBe('kvm');
  });

  it('falls back to TCG, saying why, when the KVM guest hangs (bounded by the timeout)', async () => {
    const qemu = fakeQemu('hangs', 'echo "early console in setup code"; exec sleep 30');
    const started = Date.now();
    const probe = await detectAccelerator({
      qemuBinary: qemu,
      kernelPath: '/k',
      kvmDevice: kvm,
      timeoutMs: 300,
    });
    expect(probe).toEqual({ accelerator: 'tcg', reason: 'KVM unusable: no guest output within 300 ms' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('falls back to TCG when QEMU fails, with its last error line', async () => {
    const qemu = fakeQemu('fails', 'echo "qemu: failed to set MSR 0x10a" >&2; exit 1');
    const probe = await detectAccelerator({ qemuBinary: qemu, kernelPath: '/k', kvmDevice: kvm });
    expect(probe.accelerator).toBe('tcg');
    expect(probe.reason).toMatch(/qemu exited \(1\) qemu: failed to set MSR/);
  });

  it('falls back to TCG without a usable KVM device, and caches the answer', async () => {
    const opts = { qemuBinary: '/nonexistent', kvmDevice: join(dir, 'no-kvm') };
    const first = detectAccelerator(opts);
    expect(detectAccelerator(opts)).toBe(first);
    expect(await first).toMatchObject({
      accelerator: 'tcg',
      reason: expect.stringMatching(/no-kvm is missing/),
    });
  });

  it('keeps the answer on disk for later starts, until the QEMU binary changes', async () => {
    const cacheFile = join(dir, 'cache', 'accel.json');
    const count = join(dir, 'probes');
    const kernelPath = join(dir, 'vmlinuz');
    writeFileSync(kernelPath, 'kernel');
    const body = `echo x >> ${count}; echo "early console in setup code"; exec sleep 30`;
    const qemu = fakeQemu('counted', body);
    // Another timeout is another in-process key: each call below reads the disk as a new process would.
    const probe = (timeoutMs: number) =>
      detectAccelerator({ qemuBinary: qemu, kernelPath, kvmDevice: kvm, timeoutMs, cacheFile });
    const probes = () => readFileSync(count, 'utf8').split('\n').filter(Boolean).length;
    expect(await probe(200)).toEqual({
      accelerator: 'tcg',
      reason: 'KVM unusable: no guest output within 200 ms',
    });
    expect(await probe(201)).toEqual({
      accelerator: 'tcg',
      reason: 'KVM unusable: no guest output within 200 ms (probed earlier this boot)',
    });
    expect(probes()).toBe(1);
    fakeQemu('counted', `${body}\n# upgraded`);
    expect((await probe(202)).reason).toBe('KVM unusable: no guest output within 202 ms');
    expect(probes()).toBe(2);
  });

  it.skipIf(!hasCommand('qemu-system-x86_64'))('answers for this host within a few seconds', async () => {
    const started = Date.now();
    const probe = await detectAccelerator({ qemuBinary: 'qemu-system-x86_64' });
    expect(['kvm', 'tcg']).toContain(probe.accelerator);
    expect(Date.now() - started).toBeLessThan(10_000);
    console.log(`qemu-accel: ${probe.accelerator} (${probe.reason})`);
  });
});
