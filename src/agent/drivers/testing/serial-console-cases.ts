import type { Duplex } from 'node:stream';
import { expect } from 'vitest';
import type { ComputeDriver, SerialConsoleSupport } from '../driver.js';
import { supportsSerialConsole } from '../driver.js';
import type { ContractCase, ContractContext } from './contract-context.js';

function serial(ctx: ContractContext): ComputeDriver & SerialConsoleSupport {
  if (!supportsSerialConsole(ctx.driver)) throw new Error('the driver does not claim serialConsole');
  return ctx.driver;
}

/** Sends a carriage return and resolves with the first output that comes back (30 s at most). */
async function answers(port: Duplex): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the serial console sent nothing in 30 s')), 30_000);
    port.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      resolve(chunk.toString('utf8'));
    });
    port.write('\r');
  });
}

function close(port: Duplex): Promise<void> {
  return new Promise((resolve) => {
    if (port.destroyed) return resolve();
    port.once('close', () => resolve());
    port.destroy();
  });
}

/** A running workload's console is ready and talks; closing it lets the next one connect. */
async function openTwice(ctx: ContractContext): Promise<void> {
  const d = serial(ctx);
  const { handle: h } = await ctx.shared();
  expect(await d.serialConsoleState(h)).toBe('ready');
  const first = await d.serialConsole(h);
  expect(await answers(first)).not.toBe('');
  await close(first);
  const second = await d.serialConsole(h);
  expect(await answers(second)).not.toBe('');
  await close(second);
  // Closing a console leaves the workload running.
  expect((await d.observe(h.workloadId))?.power).toBe('running');
}

/** No workload, no console: the state says so and opening fails without leaving anything open. */
async function unknownWorkload(ctx: ContractContext): Promise<void> {
  const d = serial(ctx);
  const h = { workloadId: ctx.fixtures.newId(), driver: d.name, stateVersion: 1, state: {} };
  expect(await d.serialConsoleState(h)).toBe('not-running');
  await expect(d.serialConsole(h)).rejects.toThrow();
}

export const serialConsoleCases: ReadonlyArray<ContractCase> = [
  { name: 'serial console: a running workload’s connects and answers, twice in a row', run: openTwice },
  { name: 'serial console: an unknown workload has none', run: unknownWorkload },
];
