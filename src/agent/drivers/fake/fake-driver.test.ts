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
  nics: [],
  disks: [],
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

describe('fake driver', () => {
  it('reports its configured shape as inventory and pretends to run both kinds', async () => {
    const facts = await new FakeDriver({ vcpus: 7, memoryMb: 1234, diskGb: 9 }).probe();
    expect(facts).toMatchObject({ vcpus: 7, memoryMb: 1234, diskGb: 9 });
    expect(facts.traits).toEqual(expect.arrayContaining(['CUSTOM_STRATA_VM', 'CUSTOM_STRATA_CONTAINER']));
  });

  it('takes its configured create latency, which a knob overrides, and can be aborted', async () => {
    const slow = new FakeDriver({ ...shape, createDelayMs: 150 });
    let t0 = performance.now();
    await slow.create(spec({}), signal);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    t0 = performance.now();
    await slow.create(spec({ 'fake:create_delay_ms': '1' }), signal);
    expect(performance.now() - t0).toBeLessThan(140);
    const abort = new AbortController();
    const pending = slow.create(spec({}), abort.signal);
    abort.abort();
    await expect(pending).rejects.toThrow('aborted');
    expect(await slow.list()).toHaveLength(2);
  });

  it('is idempotent per workload id and walks the power states', async () => {
    const d = new FakeDriver(shape);
    const s = spec({});
    const h = await d.create(s, signal);
    expect(await d.create(s, signal)).toEqual(h);
    expect(await d.list()).toHaveLength(1);
    await d.stop(h);
    expect((await d.observe(s.workloadId))?.power).toBe('shutdown');
    await d.start(h);
    await d.suspend(h);
    expect((await d.observe(s.workloadId))?.power).toBe('suspended');
    await d.resume(h);
    expect((await d.observe(s.workloadId))?.power).toBe('running');
    expect(await d.consoleLog(h, 1)).toBe('[fake] resumed\n');
    await d.destroy(s.workloadId);
    expect(await d.observe(s.workloadId)).toBeUndefined();
    await expect(d.destroy(s.workloadId)).resolves.toBeUndefined();
  });

  it('re-attaches a workload from its handle after a restart', async () => {
    const h = await new FakeDriver(shape).create(spec({}), signal);
    const restarted = new FakeDriver(shape);
    await restarted.recover(h, 'paused');
    expect((await restarted.observe(h.workloadId))?.power).toBe('paused');
  });
});
