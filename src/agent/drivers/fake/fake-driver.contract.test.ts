import { workloadSpec } from '../workload-spec-defaults.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  contractCase,
  driverContract,
  runDriverContract,
  type ContractFixtures,
} from '../driver.contract.js';
import type { DeviceRef, WorkloadHandle, WorkloadSpec } from '../driver.js';
import { contractContext, sparseRawDisk, uniqueNic } from '../testing/contract-context.js';
import { FakeDriver } from './fake-driver.js';

const shape = { vcpus: 8, memoryMb: 8192, diskGb: 80 };
const dir = mkdtempSync(join(tmpdir(), 'strata-fake-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = (workloadId: string, over: Partial<WorkloadSpec> = {}): WorkloadSpec =>
  workloadSpec({
    workloadId,
    name: 'contract',
    hostname: 'contract',
    kind: 'vm',
    image: { id: 'img', diskFormat: 'qcow2', containerFormat: 'bare', properties: {} },
    ...over,
  });

// The fake runs anything, so what it refuses is what its knobs inject.
const fixtures: ContractFixtures = {
  newId: () => crypto.randomUUID(),
  spec,
  badSpecs: () => [
    {
      why: 'an injected terminal failure',
      spec: spec(crypto.randomUUID(), { metadata: { 'fake:fail_create': 'terminal' } }),
    },
    {
      why: 'an injected transient failure',
      spec: spec(crypto.randomUUID(), { extraSpecs: { 'fake:fail_create': 'transient' } }),
    },
  ],
  nic: () => uniqueNic('ct'),
  disk: () => sparseRawDisk(dir),
};

runDriverContract('fake', async () => new FakeDriver(shape), {
  fixtures,
  skip: [
    {
      reason:
        'the fake keeps workloads in memory: a new instance restores them from the create handle, ' +
        'which does not carry devices attached later',
      tests: ['a new driver instance (agent restart) still lists attached devices'],
    },
  ],
});

/** Fakes that each break one rule of driver.ts, to show the contract catches it. */
class DuplicatingCreate extends FakeDriver {
  override async create(s: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle> {
    const exists = (await this.observe(s.workloadId)) !== undefined;
    return super.create(exists ? { ...s, workloadId: `${s.workloadId}-again` } : s, signal);
  }
}
class ThrowingDestroy extends FakeDriver {
  override async destroy(id: string): Promise<void> {
    if ((await this.observe(id)) === undefined) throw new Error(`no workload ${id}`);
    return super.destroy(id);
  }
}
class StickyDetach extends FakeDriver {
  override async detachDevice(_h: WorkloadHandle, _ref: DeviceRef): Promise<void> {}
}
class HalfCreate extends FakeDriver {
  override async create(s: WorkloadSpec, signal: AbortSignal): Promise<WorkloadHandle> {
    const h = await super.create({ ...s, metadata: {}, extraSpecs: {} }, signal);
    return s.metadata['fake:fail_create'] || s.extraSpecs['fake:fail_create']
      ? Promise.reject(new Error('x'))
      : h;
  }
}
class StopIgnored extends FakeDriver {
  override async stop(): Promise<void> {}
}
class ForgetfulRestart extends FakeDriver {
  override async recover(): Promise<void> {}
}

describe('driver contract', () => {
  it('names each case once, and refuses a skip without a reason or naming no case', () => {
    const names = driverContract.flatMap((g) => g.cases.map((c) => c.name));
    expect(new Set(names).size).toBe(names.length);
    const make = async () => new FakeDriver(shape);
    const tests = ['soft reboot ends running'];
    expect(() => runDriverContract('fake', make, { fixtures, skip: [{ reason: ' ', tests }] })).toThrow(
      /gives no reason/,
    );
    const typo = [{ reason: 'a gap', tests: ['soft reboot'] }];
    expect(() => runDriverContract('fake', make, { fixtures, skip: typo })).toThrow(
      /no driver contract case/,
    );
  });
});

describe('driver contract cases fail on a broken driver', () => {
  // Each with what the failing case says, so it fails for the rule broken and not by accident.
  const broken = [
    [
      DuplicatingCreate,
      'create of the same id twice gives one running workload and the same handle id',
      /handle id of the replayed create/,
    ],
    [ThrowingDestroy, 'destroy of an unknown id resolves', /rejected "Error: no workload/],
    [
      ThrowingDestroy,
      'list includes a created workload; destroy removes it and resolves when repeated',
      /no workload/,
    ],
    [
      StickyDetach,
      'detach removes a device; detaching it again resolves',
      /\[ 1, 1 \] to deeply equal \[ \+0, \+0 \]/,
    ],
    [
      HalfCreate,
      'create that throws leaves nothing behind',
      /observe after create with an injected terminal failure/,
    ],
    [
      StopIgnored,
      'stop ends shut down, stop of a stopped workload resolves, start ends running',
      /expected 'running' to be 'shutdown'/,
    ],
    [
      ForgetfulRestart,
      'a new driver instance recovers the workload without a duplicate, and operations still work',
      /expected undefined to be 'running'/,
    ],
  ] as const;

  for (const [Broken, name, says] of broken) {
    it(`${Broken.name}: "${name}" fails, and passes on the real fake`, async () => {
      const make = async () => new Broken(shape);
      const bad = contractContext(await make(), make, fixtures);
      await expect(contractCase(name).run(bad)).rejects.toThrow(says);
      await bad.dispose().catch(() => undefined);
      const good = contractContext(new FakeDriver(shape), async () => new FakeDriver(shape), fixtures);
      await expect(contractCase(name).run(good)).resolves.toBeUndefined();
      await good.dispose();
    });
  }
});
