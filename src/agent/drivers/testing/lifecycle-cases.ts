import { expect } from 'vitest';
import type { ComputeDriver, PowerStateSupport, WorkloadHandle } from '../driver.js';
import type { ContractCase, ContractContext } from './contract-context.js';
import { expectPower, listed, powerOf, stateEntries } from './contract-context.js';

/** Ids no driver may choke on: observe and destroy answer them without throwing. */
const oddIds = ['', '.', '..', '../../etc', 'a/b', 'x'.repeat(300), 'sp ace', '-rf'];

/** The same id twice: one workload, the same handle id, running. */
export async function createIsIdempotent(ctx: ContractContext): Promise<void> {
  const { spec, handle } = await ctx.shared();
  const again = await ctx.driver.create(spec, ctx.signal);
  expect(again.workloadId, 'handle id of the replayed create').toBe(handle.workloadId);
  expect(again.driver).toBe(handle.driver);
  expect(await listed(ctx.driver, spec.workloadId)).toBe(1);
  await expectPower(ctx.driver, spec.workloadId, 'running');
}

/** Each bad spec is refused, and the driver (and its state dir) is as before. */
export async function createFailureLeavesNothing(ctx: ContractContext): Promise<void> {
  const bad = ctx.fixtures.badSpecs();
  expect(bad.length, 'fixtures.badSpecs() gives no spec to refuse').toBeGreaterThan(0);
  for (const { why, spec } of bad) {
    const before = await stateEntries(ctx.fixtures.stateDir);
    const listedBefore = (await ctx.driver.list()).length;
    await expect(ctx.driver.create(spec, ctx.signal), `create with ${why}`).rejects.toThrow();
    expect(await ctx.driver.observe(spec.workloadId), `observe after create with ${why}`).toBeUndefined();
    expect((await ctx.driver.list()).length, `list after create with ${why}`).toBe(listedBefore);
    expect(await stateEntries(ctx.fixtures.stateDir), `state dir after create with ${why}`).toEqual(before);
  }
}

export async function destroyUnknownResolves(ctx: ContractContext): Promise<void> {
  for (const id of [ctx.fixtures.newId(), ...oddIds])
    await expect(
      ctx.driver.destroy(id, ctx.signal),
      `destroy ${JSON.stringify(id)}`,
    ).resolves.toBeUndefined();
}

export async function observeUnknownIsUndefined(ctx: ContractContext): Promise<void> {
  for (const id of [ctx.fixtures.newId(), ...oddIds])
    await expect(ctx.driver.observe(id), `observe ${JSON.stringify(id)}`).resolves.toBeUndefined();
}

/** Listed once while it exists; after destroy gone from list, observe and the state dir; twice resolves. */
export async function destroyRemovesAndRepeats(ctx: ContractContext): Promise<void> {
  const spec = ctx.fixtures.spec(ctx.fixtures.newId());
  const h = await ctx.create(spec);
  expect(await listed(ctx.driver, h.workloadId)).toBe(1);
  expect(await ctx.driver.observe(h.workloadId)).toMatchObject({ workloadId: h.workloadId });
  await ctx.driver.destroy(h.workloadId, ctx.signal);
  expect(await ctx.driver.observe(h.workloadId)).toBeUndefined();
  expect(await listed(ctx.driver, h.workloadId)).toBe(0);
  expect(await stateEntries(ctx.fixtures.stateDir)).not.toContain(h.workloadId);
  await expect(ctx.driver.destroy(h.workloadId, ctx.signal)).resolves.toBeUndefined();
}

/**
 * An agent restart: a new driver instance re-attaches (recover with the last known power)
 * and sees the workload once; a replayed create starts no duplicate; operations still work.
 */
export async function recoverAfterRestart(ctx: ContractContext): Promise<void> {
  const { spec, handle } = await ctx.shared();
  const lastKnown = await powerOf(ctx.driver, spec.workloadId);
  expect(lastKnown).toBe('running');
  const next = await ctx.makeDriver();
  expect(next).not.toBe(ctx.driver);
  await next.recover(handle, lastKnown!);
  await expectPower(next, spec.workloadId, 'running');
  expect(await listed(next, spec.workloadId)).toBe(1);
  const replay = await next.create(spec, ctx.signal);
  expect(replay.workloadId).toBe(spec.workloadId);
  expect(await listed(next, spec.workloadId)).toBe(1);
  if (ctx.fixtures.processesOf) expect(await ctx.fixtures.processesOf(spec.workloadId)).toBe(1);
  await operateOn(ctx, next, replay);
}

/** An operation through a recovered driver: pause and unpause when claimed (cheap), else a hard reboot. */
async function operateOn(ctx: ContractContext, next: ComputeDriver, h: WorkloadHandle): Promise<void> {
  if (next.capabilities.pause) {
    const states = next as ComputeDriver & PowerStateSupport;
    await states.pause(h, ctx.signal);
    await expectPower(next, h.workloadId, 'paused');
    await states.unpause(h, ctx.signal);
  } else {
    await next.reboot(h, true, ctx.signal);
    await ctx.settled(h, next);
  }
  await expectPower(next, h.workloadId, 'running');
}

export const lifecycleCases: ReadonlyArray<ContractCase> = [
  {
    name: 'create of the same id twice gives one running workload and the same handle id',
    run: createIsIdempotent,
  },
  { name: 'create that throws leaves nothing behind', run: createFailureLeavesNothing },
  { name: 'destroy of an unknown id resolves', run: destroyUnknownResolves },
  { name: 'observe of an unknown id returns undefined and never throws', run: observeUnknownIsUndefined },
  {
    name: 'list includes a created workload; destroy removes it and resolves when repeated',
    run: destroyRemovesAndRepeats,
  },
];

export const recoverCases: ReadonlyArray<ContractCase> = [
  {
    name: 'a new driver instance recovers the workload without a duplicate, and operations still work',
    run: recoverAfterRestart,
  },
];
