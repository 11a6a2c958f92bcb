import { expect } from 'vitest';
import type {
  ComputeDriver,
  DeviceAttachSupport,
  WorkloadDevice,
  WorkloadHandle,
  WorkloadSpec,
} from '../driver.js';
import { deviceRefOf, supportsDeviceAttach } from '../driver.js';
import type { ContractCase, ContractContext, ContractFixtures } from './contract-context.js';
import { expectPower } from './contract-context.js';

function attach(d: ComputeDriver): ComputeDriver & DeviceAttachSupport {
  if (!supportsDeviceAttach(d)) throw new Error(`${d.name} does not claim deviceAttach`);
  return d;
}

function nicOf(f: ContractFixtures): WorkloadDevice {
  if (!f.nic) throw new Error('fixtures.nic is needed for the device cases');
  return { kind: 'nic', nic: f.nic() };
}

async function diskOf(f: ContractFixtures): Promise<WorkloadDevice> {
  if (!f.disk) throw new Error('fixtures.disk is needed for the device cases');
  return { kind: 'disk', disk: await f.disk() };
}

/** The group's workload comes with one NIC and one disk in its spec. */
export async function deviceSpec(f: ContractFixtures): Promise<Partial<WorkloadSpec>> {
  const nic = nicOf(f);
  const disk = await diskOf(f);
  return {
    nics: nic.kind === 'nic' ? [nic.nic] : [],
    disks: disk.kind === 'disk' ? [disk.disk] : [],
  };
}

const key = (d: WorkloadDevice) => `${deviceRefOf(d).kind}:${deviceRefOf(d).id}`;

/** How many times each of `wanted` is in the driver's devices() of the workload. */
async function counts(d: ComputeDriver, id: string, wanted: ReadonlyArray<WorkloadDevice>) {
  const have = (await attach(d).devices(id)).map(key);
  return wanted.map((w) => have.filter((k) => k === key(w)).length);
}

/** A 'cold' attach restarts the guest, which then boots again. */
async function afterChange(ctx: ContractContext, h: WorkloadHandle): Promise<void> {
  await expectPower(ctx.driver, h.workloadId, 'running');
  if (ctx.driver.capabilities.deviceAttach === 'cold') await ctx.settled(h);
}

async function attachFresh(ctx: ContractContext, h: WorkloadHandle): Promise<WorkloadDevice[]> {
  const fresh = [nicOf(ctx.fixtures), await diskOf(ctx.fixtures)];
  for (const dev of fresh) {
    await attach(ctx.driver).attachDevice(h, dev, ctx.signal);
    await afterChange(ctx, h);
  }
  return fresh;
}

export async function specDevicesListed(ctx: ContractContext): Promise<void> {
  const { spec } = await ctx.shared();
  const given: WorkloadDevice[] = [
    ...spec.nics.map((nic) => ({ kind: 'nic' as const, nic })),
    ...spec.disks.map((disk) => ({ kind: 'disk' as const, disk })),
  ];
  expect(given).toHaveLength(2);
  expect(await counts(ctx.driver, spec.workloadId, given)).toEqual([1, 1]);
}

/** Attach shows in devices(); attaching the same device again resolves and adds no second one. */
export async function attachIsIdempotent(ctx: ContractContext): Promise<void> {
  const { handle: h } = await ctx.shared();
  const fresh = await attachFresh(ctx, h);
  expect(await counts(ctx.driver, h.workloadId, fresh)).toEqual([1, 1]);
  for (const dev of fresh) await attach(ctx.driver).attachDevice(h, dev, ctx.signal);
  await expectPower(ctx.driver, h.workloadId, 'running');
  expect(await counts(ctx.driver, h.workloadId, fresh)).toEqual([1, 1]);
}

/** Detach removes the device from devices(); detaching it again (or one never attached) resolves. */
export async function detachIsIdempotent(ctx: ContractContext): Promise<void> {
  const { handle: h } = await ctx.shared();
  const fresh = await attachFresh(ctx, h);
  for (const dev of fresh) {
    await attach(ctx.driver).detachDevice(h, deviceRefOf(dev), ctx.signal);
    await afterChange(ctx, h);
  }
  expect(await counts(ctx.driver, h.workloadId, fresh)).toEqual([0, 0]);
  const never = nicOf(ctx.fixtures);
  for (const dev of [...fresh, never])
    await expect(attach(ctx.driver).detachDevice(h, deviceRefOf(dev), ctx.signal)).resolves.toBeUndefined();
  await expectPower(ctx.driver, h.workloadId, 'running');
}

export async function stopStartKeepsDevices(ctx: ContractContext): Promise<void> {
  const { spec, handle: h } = await ctx.shared();
  const fresh = await attachFresh(ctx, h);
  await ctx.driver.stop(h, { timeoutMs: ctx.fixtures.stopTimeoutMs ?? 10_000 }, ctx.signal);
  expect(await counts(ctx.driver, h.workloadId, fresh)).toEqual([1, 1]);
  await ctx.driver.start(h, ctx.signal);
  await expectPower(ctx.driver, h.workloadId, 'running');
  await ctx.settled(h);
  expect(await counts(ctx.driver, h.workloadId, fresh)).toEqual([1, 1]);
  await specDevicesListed({ ...ctx, shared: async () => ({ spec, handle: h }) });
}

/** A new driver instance (an agent restart) lists what was attached before it. */
export async function restartKeepsDevices(ctx: ContractContext): Promise<void> {
  const { spec, handle: h } = await ctx.shared();
  const fresh = await attachFresh(ctx, h);
  const next = await ctx.makeDriver();
  await next.recover(h, 'running');
  await expectPower(next, h.workloadId, 'running');
  expect(await counts(next, h.workloadId, fresh)).toEqual([1, 1]);
  await specDevicesListed({ ...ctx, driver: next, shared: async () => ({ spec, handle: h }) });
}

/** Attaching to a workload that does not exist rejects; its devices() is empty. */
export async function attachToUnknownRejects(ctx: ContractContext): Promise<void> {
  const workloadId = ctx.fixtures.newId();
  const h: WorkloadHandle = { workloadId, driver: ctx.driver.name, stateVersion: 1, state: {} };
  await expect(attach(ctx.driver).attachDevice(h, nicOf(ctx.fixtures), ctx.signal)).rejects.toThrow();
  await expect(attach(ctx.driver).attachDevice(h, await diskOf(ctx.fixtures), ctx.signal)).rejects.toThrow();
  expect(await attach(ctx.driver).devices(workloadId)).toEqual([]);
  expect(await ctx.driver.observe(workloadId)).toBeUndefined();
}

export const deviceCases: ReadonlyArray<ContractCase> = [
  { name: 'devices given in the spec at create are listed by devices()', run: specDevicesListed },
  { name: 'attach adds a device; attaching it again resolves without a duplicate', run: attachIsIdempotent },
  { name: 'detach removes a device; detaching it again resolves', run: detachIsIdempotent },
  { name: 'stop and start keep attached devices', run: stopStartKeepsDevices },
  { name: 'a new driver instance (agent restart) still lists attached devices', run: restartKeepsDevices },
  { name: 'attach to an unknown workload rejects', run: attachToUnknownRejects },
];
