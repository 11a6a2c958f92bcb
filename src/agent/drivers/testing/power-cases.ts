import { expect } from 'vitest';
import type { PowerStateSupport } from '../driver.js';
import { supportsConsoleLog, supportsCrashDump, supportsSnapshot } from '../driver.js';
import type { ContractCase, ContractContext } from './contract-context.js';
import { expectPower } from './contract-context.js';

const stopOpts = (ctx: ContractContext) => ({ timeoutMs: ctx.fixtures.stopTimeoutMs ?? 10_000 });

/** Stop ends shut down and a second stop resolves; start brings it back (ends running). */
export async function stopThenStart(ctx: ContractContext): Promise<void> {
  const { handle: h } = await ctx.shared();
  await ctx.driver.stop(h, stopOpts(ctx), ctx.signal);
  await expectPower(ctx.driver, h.workloadId, 'shutdown');
  await expect(ctx.driver.stop(h, stopOpts(ctx), ctx.signal)).resolves.toBeUndefined();
  await expectPower(ctx.driver, h.workloadId, 'shutdown');
  await ctx.driver.start(h, ctx.signal);
  await expectPower(ctx.driver, h.workloadId, 'running');
  await ctx.settled(h);
}

export async function startRunningResolves(ctx: ContractContext): Promise<void> {
  const { handle: h } = await ctx.shared();
  await expect(ctx.driver.start(h, ctx.signal)).resolves.toBeUndefined();
  await expectPower(ctx.driver, h.workloadId, 'running');
}

export async function softReboot(ctx: ContractContext): Promise<void> {
  const { handle: h } = await ctx.shared();
  await ctx.driver.reboot(h, false, ctx.signal);
  await expectPower(ctx.driver, h.workloadId, 'running');
  await ctx.settled(h);
}

export async function hardReboot(ctx: ContractContext): Promise<void> {
  const { handle: h } = await ctx.shared();
  await ctx.driver.reboot(h, true, ctx.signal);
  await expectPower(ctx.driver, h.workloadId, 'running');
  await ctx.settled(h);
}

function powerStates(ctx: ContractContext): PowerStateSupport {
  return ctx.driver as unknown as PowerStateSupport;
}

export async function pauseThenUnpause(ctx: ContractContext): Promise<void> {
  const { handle: h } = await ctx.shared();
  await powerStates(ctx).pause(h, ctx.signal);
  await expectPower(ctx.driver, h.workloadId, 'paused');
  await powerStates(ctx).unpause(h, ctx.signal);
  await expectPower(ctx.driver, h.workloadId, 'running');
}

export async function suspendThenResume(ctx: ContractContext): Promise<void> {
  const { handle: h } = await ctx.shared();
  await powerStates(ctx).suspend(h, ctx.signal);
  await expectPower(ctx.driver, h.workloadId, 'suspended');
  await powerStates(ctx).resume(h, ctx.signal);
  await expectPower(ctx.driver, h.workloadId, 'running');
}

/** The NMI is the guest's business: the driver neither stops nor restarts the workload. */
export async function crashDumpKeepsPower(ctx: ContractContext): Promise<void> {
  const { handle: h } = await ctx.shared();
  if (!supportsCrashDump(ctx.driver)) throw new Error(`${ctx.driver.name} claims crashDump without it`);
  await ctx.driver.triggerCrashDump(h, ctx.signal);
  await expectPower(ctx.driver, h.workloadId, 'running');
}

/** The whole log and a tail of one line, as strings. */
export async function consoleLogIsText(ctx: ContractContext): Promise<void> {
  const { handle: h } = await ctx.shared();
  if (!supportsConsoleLog(ctx.driver)) throw new Error(`${ctx.driver.name} claims a serial log without it`);
  const log = await ctx.driver.consoleLog(h);
  expect(typeof log).toBe('string');
  expect(log.length, 'a booted workload has written to its console').toBeGreaterThan(0);
  const tail = await ctx.driver.consoleLog(h, 1);
  expect(typeof tail).toBe('string');
  expect(tail.split('\n').filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(1);
}

/** Snapshot data (a stream read to its end, or a buffer) is not empty, and the workload runs on. */
export async function snapshotGivesData(ctx: ContractContext): Promise<void> {
  const { handle: h } = await ctx.shared();
  if (!supportsSnapshot(ctx.driver)) throw new Error(`${ctx.driver.name} claims snapshot without it`);
  const data = await ctx.driver.snapshot(h, ctx.signal);
  let bytes = 0;
  if (Buffer.isBuffer(data)) bytes = data.length;
  else for await (const chunk of data) bytes += (chunk as Buffer | string).length;
  expect(bytes).toBeGreaterThan(0);
  await expectPower(ctx.driver, h.workloadId, 'running');
}

const pause = { what: 'pause', claimed: (c: { pause: boolean }) => c.pause };
const suspend = { what: 'suspend', claimed: (c: { suspend: boolean }) => c.suspend };

export const powerCases: ReadonlyArray<ContractCase> = [
  {
    name: 'stop ends shut down, stop of a stopped workload resolves, start ends running',
    run: stopThenStart,
  },
  { name: 'start of a running workload resolves and it keeps running', run: startRunningResolves },
  { name: 'soft reboot ends running', run: softReboot },
  { name: 'hard reboot ends running', run: hardReboot },
  { name: 'pause ends paused, unpause ends running', needs: pause, run: pauseThenUnpause },
  { name: 'suspend ends suspended, resume ends running', needs: suspend, run: suspendThenResume },
  {
    name: 'trigger crash dump leaves the power state to the guest',
    needs: { what: 'crashDump', claimed: (c) => c.crashDump },
    run: crashDumpKeepsPower,
  },
  {
    name: 'console log returns the log (and a tail) as text',
    needs: { what: "console 'serial-log'", claimed: (c) => c.console === 'serial-log' },
    run: consoleLogIsText,
  },
  {
    name: 'snapshot returns non-empty data and the workload keeps running',
    needs: { what: 'snapshot', claimed: (c) => c.snapshot },
    run: snapshotGivesData,
  },
];
