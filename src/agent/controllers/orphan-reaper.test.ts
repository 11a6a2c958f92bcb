import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningAgent } from '../agent.js';
import { startAgent } from '../agent.js';
import type { WorkloadSpec } from '../drivers/driver.js';
import { FakeDriver } from '../drivers/fake/fake-driver.js';
import type {
  AssignedServer,
  ControlPlane,
  DeviceControlPlane,
  HostControlPlane,
  ServerControlPlane,
} from '../transport/control-plane.js';
import { orphanReaper } from './orphan-reaper.js';

const host = 'fake-0001';
const signal = new AbortController().signal;

function spec(id: string): WorkloadSpec {
  return {
    workloadId: id,
    name: id,
    hostname: id,
    kind: 'vm',
    vcpus: 1,
    memoryMb: 512,
    rootGb: 1,
    image: { id: 'img', diskFormat: 'qcow2', containerFormat: 'bare', properties: {} },
    projectId: 'p',
    availabilityZone: null,
    launchIndex: 0,
    userData: null,
    metadata: {},
    keyName: null,
    keyData: null,
    configDrive: false,
    extraSpecs: {},
    nics: [],
    disks: [],
  };
}

/** The control plane as a set of assigned ids, each an ACTIVE server with nothing to do. */
class AssignmentsOnly implements ControlPlane, HostControlPlane, ServerControlPlane {
  readonly hosts: HostControlPlane = this;
  readonly servers: ServerControlPlane = this;
  readonly devices: DeviceControlPlane = {
    listPending: async () => [],
    getAssigned: async () => undefined,
    report: async () => true,
    watch: () => () => undefined,
    reportPort: async () => true,
  };
  readonly assigned = new Set<string>();
  readonly deleted = new Set<string>();
  failList = false;
  async registerHost() {}
  async heartbeat() {}
  async listAssigned(): Promise<ReadonlyArray<string>> {
    if (this.failList) throw new Error('control plane unreachable');
    return [...this.assigned];
  }
  async deletedAmong(ids: ReadonlyArray<string>): Promise<ReadonlyArray<string>> {
    return ids.filter((id) => this.deleted.has(id));
  }
  async getAssigned(_h: string, id: string): Promise<AssignedServer | undefined> {
    if (!this.assigned.has(id)) return undefined;
    return {
      id,
      generation: 1,
      vmState: 'active',
      taskState: null,
      step: 'observe',
      desiredPower: 'on',
      spec: spec(id),
    };
  }
  async report() {
    return true;
  }
  async uploadSnapshot() {}
  serveConsoleLogs() {}
  watch() {
    return () => undefined;
  }
}

function recordingLog() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'warn' }, stream), lines };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('orphan-reaper', () => {
  it('reaps only workloads of deleted servers, warning with each id, and leaves unknown ones', async () => {
    const driver = new FakeDriver({ vcpus: 8, memoryMb: 8192, diskGb: 100 });
    for (const id of ['kept-1', 'orphan', 'kept-2', 'elsewhere']) await driver.create(spec(id), signal);
    const cp = new AssignmentsOnly();
    cp.assigned.add('kept-1').add('kept-2').add('not-yet-created');
    cp.deleted.add('orphan');
    const { log, lines } = recordingLog();
    const reaped: string[] = [];
    const r = orphanReaper({ hostname: host, driver, servers: cp, log, reap: (id) => reaped.push(id) });

    expect(await r.listKeys?.()).toEqual([host]);
    await r.reconcile(host, signal);

    expect(reaped).toEqual(['orphan']);
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l['workloadId'] === 'orphan')).toMatchObject({
      level: 40,
      host,
      power: 'running',
    });
    expect(lines.find((l) => l['workloadId'] === 'elsewhere')?.['msg']).toMatch(/left running/);
    expect(await driver.observe('elsewhere')).toMatchObject({ power: 'running' });
  });

  it('keeps a workload whose server is assigned and spawned while the driver is listed', async () => {
    const driver = new FakeDriver({ vcpus: 8, memoryMb: 8192, diskGb: 100 });
    const cp = new AssignmentsOnly();
    const list = driver.list.bind(driver);
    // The race: the server is assigned and its create starts while the reaper looks at the host.
    driver.list = async () => {
      cp.assigned.add('racing');
      await driver.create(spec('racing'), signal);
      return list();
    };
    const reaped: string[] = [];
    const r = orphanReaper({
      hostname: host,
      driver,
      servers: cp,
      log: recordingLog().log,
      reap: (id) => reaped.push(id),
    });
    await r.reconcile(host, signal);
    expect(reaped).toEqual([]);
  });

  it('reaps nothing when the assignments cannot be read', async () => {
    const driver = new FakeDriver({ vcpus: 8, memoryMb: 8192, diskGb: 100 });
    await driver.create(spec('maybe-orphan'), signal);
    const cp = new AssignmentsOnly();
    cp.failList = true;
    const reaped: string[] = [];
    const r = orphanReaper({
      hostname: host,
      driver,
      servers: cp,
      log: recordingLog().log,
      reap: (id) => reaped.push(id),
    });
    await expect(r.reconcile(host, signal)).rejects.toThrow('unreachable');
    expect(reaped).toEqual([]);
  });
});

describe('orphan-reaper in the agent', () => {
  let agent: RunningAgent | undefined;
  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
  });

  it('destroys orphans left on the host when the agent (re)starts and keeps assigned workloads', async () => {
    const driver = new FakeDriver({ vcpus: 8, memoryMb: 8192, diskGb: 100 });
    for (const id of ['assigned', 'left-behind']) await driver.create(spec(id), signal);
    const cp = new AssignmentsOnly();
    cp.assigned.add('assigned');
    cp.deleted.add('left-behind');
    const { log, lines } = recordingLog();
    // No resync during the test: only the start-time pass can find the orphan.
    agent = await startAgent({
      hostname: host,
      availabilityZone: 'nova',
      driver,
      controlPlane: cp,
      log,
      resyncMs: 0,
    });

    await eventually(async () => (await driver.observe('left-behind')) === undefined);
    expect(await driver.observe('assigned')).toMatchObject({ power: 'running' });
    expect(lines.filter((l) => l['workloadId'] === 'left-behind')).toHaveLength(1);
  });

  it('destroys the workload of a server deleted while the agent runs, on the next resync', async () => {
    const driver = new FakeDriver({ vcpus: 8, memoryMb: 8192, diskGb: 100 });
    const cp = new AssignmentsOnly();
    cp.assigned.add('assigned');
    await driver.create(spec('assigned'), signal);
    agent = await startAgent({
      hostname: host,
      availabilityZone: 'nova',
      driver,
      controlPlane: cp,
      log: recordingLog().log,
      resyncMs: 20,
    });
    // Deleted without this agent hearing of it (a missed event).
    await driver.create(spec('deleted-meanwhile'), signal);
    cp.deleted.add('deleted-meanwhile');

    await eventually(async () => (await driver.observe('deleted-meanwhile')) === undefined);
    expect(await driver.observe('assigned')).toMatchObject({ power: 'running' });
  });
});
