import { workloadSpec } from '../agent/drivers/workload-spec-defaults.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../agent/host/command.js';
import { deleteNetns } from '../agent/host/netns.js';
import type { WorkloadNic, WorkloadSpec } from '../agent/drivers/driver.js';
import { RuncDriver } from '../agent/drivers/runc/runc-driver.js';
import { buildContainerTestImage } from '../agent/test-images/container-image.js';
import type { BenchMetric, BenchProgress, BenchResult, Benchmark } from './benchmark.js';
import { skippedResult } from './benchmark.js';
import { summarize } from './bench-stats.js';
import { kindMissing } from './workload-bench-setup.js';

const name = 'nic-attach';
const samples = 20;

function nicOf(i: number): WorkloadNic {
  const hex = (i % 256).toString(16).padStart(2, '0');
  return {
    portId: `bench-port-${i}`,
    networkId: 'bench-net',
    mac: `fa:16:3e:be:00:${hex}`,
    mtu: 1450,
    hostName: `snb${process.pid % 100_000}-${i}`.slice(0, 15),
    fixedIps: [
      {
        subnetId: 'bench-subnet',
        ipAddress: `10.233.0.${10 + i}`,
        cidr: '10.233.0.0/24',
        gateway: '10.233.0.1',
        dhcp: false,
        dnsNameservers: [],
        hostRoutes: [],
      },
    ],
  };
}

function specOf(imagePath: string): WorkloadSpec {
  return workloadSpec({
    workloadId: `strata-bench-nic-${process.pid}`,
    name: 'nic-attach bench',
    hostname: 'bench',
    kind: 'container',
    memoryMb: 64,
    image: {
      id: 'busybox-test',
      diskFormat: 'raw',
      containerFormat: 'docker',
      path: imagePath,
      properties: {},
    },
    projectId: 'bench',
  });
}

/** Times `samples` hot attaches (each detached again) on one running container. */
async function measure(base: string, hostNs: string, progress: BenchProgress): Promise<BenchMetric[]> {
  const image = await buildContainerTestImage(join(base, 'images'));
  const driver = new RuncDriver({
    stateDir: join(base, 'state'),
    cacheDir: join(base, 'cache'),
    hostNetns: hostNs,
    gracefulStopMs: 2_000,
  });
  const signal = AbortSignal.timeout(10 * 60_000);
  const h = await driver.create(specOf(image.path), signal);
  try {
    progress(`${name}: ${samples} NIC attaches and detaches on a running container`);
    const attach: number[] = [];
    const detach: number[] = [];
    for (let i = 0; i <= samples; i++) {
      const t0 = performance.now();
      await driver.attachDevice(h, { kind: 'nic', nic: nicOf(i) }, signal);
      const t1 = performance.now();
      await driver.detachDevice(h, { kind: 'nic', id: nicOf(i).portId }, signal);
      // The first round warms the code paths; it is not counted.
      if (i === 0) continue;
      attach.push(t1 - t0);
      detach.push(performance.now() - t1);
    }
    const a = summarize(attach);
    const d = summarize(detach);
    return [
      { name: `attach to running container p50 (n=${samples})`, value: a.p50, unit: 'ms' },
      { name: `attach to running container p99 (n=${samples})`, value: a.p99, unit: 'ms' },
      { name: `detach p50 (n=${samples})`, value: d.p50, unit: 'ms' },
    ];
  } finally {
    await driver.destroy(h.workloadId, AbortSignal.timeout(60_000));
  }
}

/**
 * The runc driver on its own (no API, no dataplane): a hot NIC attach is a veth pair with
 * its peer born in the container's namespace, then one `ip -batch` for link, address and
 * route. The host ends go to a namespace of the benchmark's own.
 */
export const nicAttachBench: Benchmark = {
  name,
  description: 'runc driver in-process: hot attach (veth, MAC, MTU, address) and detach of a NIC',
  run: async (_opts, progress): Promise<BenchResult> => {
    const missing = kindMissing('container');
    if (missing !== undefined) return skippedResult(name, missing);
    const base = await mkdtemp(join(tmpdir(), 'strata-bench-nic-'));
    const hostNs = `strata-bench-nic-${process.pid}`;
    try {
      await runCommand('ip', ['netns', 'add', hostNs]);
      return { name, metrics: await measure(base, hostNs, progress) };
    } finally {
      await deleteNetns(hostNs);
      await rm(base, { recursive: true, force: true });
    }
  },
};
