import { describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../driver.js';
import { isRetryable } from '../driver-errors.js';
import { FakeDriver } from './fake-driver.js';

const shape = { vcpus: 4, memoryMb: 4096, diskGb: 40 };
const spec = (metadata: Record<string, string>): WorkloadSpec => ({
  workloadId: crypto.randomUUID(),
  name: 'w',
  hostname: 'w',
  kind: 'vm',
  vcpus: 1,
  memoryMb: 512,
  rootGb: 1,
  image: { id: 'img', diskFormat: 'qcow2', containerFormat: 'bare', properties: {} },
  projectId: 'p',
  availabilityZone: null,
  launchIndex: 0,
  userData: null,
  metadata,
  keyName: null,
  keyData: null,
  configDrive: false,
  extraSpecs: {},
});
const signal = new AbortController().signal;

describe('fake driver knobs', () => {
  it('fails create retryably on the named host only, leaving nothing behind', async () => {
    const knob = { 'fake:fail_create_on_host': 'h1' };
    const bad = spec(knob);
    const failure = await new FakeDriver(shape, 'h1').create(bad, signal).catch((e: unknown) => e);
    expect(isRetryable(failure)).toBe(true);
    expect((failure as Error).message).toBe('fake driver: injected transient create failure on h1');
    await expect(new FakeDriver(shape, 'h2').create(spec(knob), signal)).resolves.toBeDefined();
    await expect(new FakeDriver(shape).create(spec(knob), signal)).resolves.toBeDefined();
    const h1 = new FakeDriver(shape, 'h1');
    await h1.create(bad, signal).catch(() => undefined);
    expect(await h1.list()).toEqual([]);
  });

  it('tells transient failures from terminal ones', async () => {
    const driver = new FakeDriver(shape, 'h1');
    const fail = (kind: string) =>
      driver.create(spec({ 'fake:fail_create': kind }), signal).catch((e: unknown) => e);
    expect(isRetryable(await fail('transient'))).toBe(true);
    expect(isRetryable(await fail('terminal'))).toBe(false);
  });
});
