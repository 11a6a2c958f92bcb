import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ComputeDriver } from './driver.js';
import type { DriverName } from './registry.js';
import type {
  ContractCase,
  ContractContext,
  ContractFixtures,
  ContractGroup,
} from './testing/contract-context.js';
import { contractContext } from './testing/contract-context.js';
import { deviceCases, deviceSpec } from './testing/device-cases.js';
import { diskCases } from './testing/disk-cases.js';
import { lifecycleCases, recoverCases } from './testing/lifecycle-cases.js';
import { powerCases } from './testing/power-cases.js';
import { serialConsoleCases } from './testing/serial-console-cases.js';

export type { ContractFixtures } from './testing/contract-context.js';

/**
 * The contract every driver keeps (driver.ts TSDoc), as groups of cases. A group's cases
 * share one workload (boots are the expensive part under TCG) and leave it running; groups
 * without a `sharedSpec` share the same one.
 */
export const driverContract: ReadonlyArray<ContractGroup> = [
  { name: 'lifecycle', cases: [...lifecycleCases, ...powerCases, ...recoverCases] },
  {
    name: 'disk lifecycle',
    needs: { what: 'diskLifecycle', claimed: (c) => c.diskLifecycle },
    cases: diskCases,
  },
  {
    name: 'devices',
    needs: { what: "deviceAttach 'cold' or 'hot'", claimed: (c) => c.deviceAttach !== 'none' },
    sharedSpec: deviceSpec,
    cases: deviceCases,
  },
  {
    name: 'serial console',
    needs: { what: 'serialConsole', claimed: (c) => c.serialConsole },
    cases: serialConsoleCases,
  },
];

/** A known gap of one driver: the cases (by name) it does not run, and why. */
export interface ContractSkip {
  readonly reason: string;
  readonly tests: ReadonlyArray<string>;
}

export interface DriverContractOptions {
  readonly fixtures: ContractFixtures;
  readonly skip?: ReadonlyArray<ContractSkip>;
}

/** The case called `name` (for running it on its own, e.g. against a broken driver). */
export function contractCase(name: string): ContractCase {
  const found = driverContract.flatMap((g) => g.cases).find((c) => c.name === name);
  if (found === undefined) throw new Error(`no driver contract case "${name}"`);
  return found;
}

/**
 * Registers the contract for one driver. `makeDriver` gives a new instance on the same
 * state each call (a second call is an agent restart). Cases for capabilities the driver
 * does not claim are skipped at run time, naming the capability; `skip` is for known gaps.
 */
export function runDriverContract(
  name: DriverName,
  makeDriver: () => Promise<ComputeDriver>,
  opts: DriverContractOptions,
): void {
  const skipped = skipReasons(opts.skip ?? []);
  describe(`${name} driver contract`, () => {
    let driver: ComputeDriver | undefined;
    const current = () => {
      if (driver === undefined) throw new Error(`${name}: makeDriver did not give a driver`);
      return driver;
    };
    beforeAll(async () => {
      driver = await makeDriver();
    });
    // Groups that add nothing to the spec share one workload: fewer boots under TCG.
    const contexts = new Map<ContractGroup['sharedSpec'], ContractContext>();
    const contextFor = (g: ContractGroup) => {
      const ctx =
        contexts.get(g.sharedSpec) ?? contractContext(current(), makeDriver, opts.fixtures, g.sharedSpec);
      contexts.set(g.sharedSpec, ctx);
      return ctx;
    };
    afterAll(async () => {
      for (const ctx of contexts.values()) await ctx.dispose();
    });
    for (const group of driverContract) {
      describe(group.name, () => {
        for (const c of group.cases) {
          const reason = skipped.get(c.name);
          if (reason !== undefined) {
            it.skip(`${c.name} (known gap: ${reason})`, () => undefined);
            continue;
          }
          it(c.name, async (t) => {
            const need = c.needs ?? group.needs;
            if (need && !need.claimed(current().capabilities))
              return t.skip(`${name} does not claim ${need.what}`);
            await c.run(contextFor(group));
          });
        }
      });
    }
  });
}

/** Skips by case name. One naming no case (a typo would skip nothing) or giving no reason is an error. */
function skipReasons(skips: ReadonlyArray<ContractSkip>): Map<string, string> {
  const reasons = new Map<string, string>();
  for (const s of skips) {
    if (s.reason.trim() === '') throw new Error(`a contract skip of ${s.tests.join(', ')} gives no reason`);
    for (const t of s.tests) {
      contractCase(t);
      reasons.set(t, s.reason);
    }
  }
  return reasons;
}
