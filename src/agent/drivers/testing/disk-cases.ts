import { expect } from 'vitest';
import type { DiskLifecycleSupport, WorkloadHandle, WorkloadSpec } from '../driver.js';
import type { ContractCase, ContractContext, SharedWorkload } from './contract-context.js';
import { expectPower, listed } from './contract-context.js';

function disks(ctx: ContractContext): DiskLifecycleSupport {
  return ctx.driver as unknown as DiskLifecycleSupport;
}

/** What the workload really runs with; a driver claiming diskLifecycle needs the fixture. */
async function memoryOf(ctx: ContractContext, h: WorkloadHandle): Promise<number> {
  if (!ctx.fixtures.memoryMbOf) throw new Error('fixtures.memoryMbOf is needed for the disk lifecycle cases');
  return ctx.fixtures.memoryMbOf(h);
}

/** A bigger flavor than the workload's: more memory and a bigger root disk. */
function bigger(spec: WorkloadSpec): WorkloadSpec {
  return { ...spec, memoryMb: spec.memoryMb + 64, rootGb: spec.rootGb + 1 };
}

/** The same workload, running, once in the list, with `memoryMb`. */
async function expectSame(ctx: ContractContext, w: SharedWorkload, h: WorkloadHandle, memoryMb: number) {
  expect(h.workloadId).toBe(w.spec.workloadId);
  expect(await listed(ctx.driver, h.workloadId)).toBe(1);
  await expectPower(ctx.driver, h.workloadId, 'running');
  expect(await memoryOf(ctx, h)).toBe(memoryMb);
}

/** Resize runs the workload with the new size under the same id; confirmResize then resolves, also twice. */
export async function resizeThenConfirm(ctx: ContractContext): Promise<void> {
  const w = await ctx.shared();
  expect(await memoryOf(ctx, w.handle)).toBe(w.spec.memoryMb);
  const to = bigger(w.spec);
  const h = await disks(ctx).resize(w.handle, to, ctx.signal);
  await expectSame(ctx, w, h, to.memoryMb);
  await ctx.settled(h);
  Object.assign(w, { spec: to, handle: h });
  await expect(disks(ctx).confirmResize(h.workloadId, ctx.signal)).resolves.toBeUndefined();
  await expect(disks(ctx).confirmResize(h.workloadId, ctx.signal)).resolves.toBeUndefined();
  await expect(disks(ctx).confirmResize(ctx.fixtures.newId(), ctx.signal)).resolves.toBeUndefined();
  await expectSame(ctx, w, h, to.memoryMb);
}

/** After a resize, revert goes back to the old size under the same id, running. */
export async function resizeThenRevert(ctx: ContractContext): Promise<void> {
  const w = await ctx.shared();
  const resized = await disks(ctx).resize(w.handle, bigger(w.spec), ctx.signal);
  await expectSame(ctx, w, resized, bigger(w.spec).memoryMb);
  await ctx.settled(resized);
  const h = await disks(ctx).revertResize(resized, w.spec, ctx.signal);
  await expectSame(ctx, w, h, w.spec.memoryMb);
  await ctx.settled(h);
  w.handle = h;
  await expect(disks(ctx).confirmResize(h.workloadId, ctx.signal)).resolves.toBeUndefined();
}

/** Rebuild from the image: same id, same size, running. */
export async function rebuildEndsRunning(ctx: ContractContext): Promise<void> {
  const w = await ctx.shared();
  const to = { ...w.spec, hostname: 'rebuilt' };
  const h = await disks(ctx).rebuild(w.handle, to, ctx.signal);
  await expectSame(ctx, w, h, to.memoryMb);
  await ctx.settled(h);
  Object.assign(w, { spec: to, handle: h });
}

export const diskCases: ReadonlyArray<ContractCase> = [
  {
    name: 'resize changes the size and keeps the workload; confirmResize resolves, also with nothing kept',
    run: resizeThenConfirm,
  },
  { name: 'revertResize goes back to the old size, running', run: resizeThenRevert },
  { name: 'rebuild ends running with the same identity', run: rebuildEndsRunning },
];
