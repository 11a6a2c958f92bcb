import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../agent/host/command.js';
import { netnsExists } from '../../agent/host/netns.js';
import type { BenchMetric, BenchOptions, BenchProgress, BenchResult, Benchmark } from '../benchmark.js';
import { skippedResult } from '../benchmark.js';
import type { BenchCloud } from '../bench-cloud.js';
import { withBenchCloud } from '../bench-cloud.js';
import { summarize } from '../bench-stats.js';
import type { BootKind } from '../workload-bench-setup.js';
import { kindMissing } from '../workload-bench-setup.js';
import { benchTag, kernelBenchMissing, withBenchNetns } from './dataplane-bench-host.js';
import type { PingBenchHost } from './ping-bench-host.js';
import { addPingBenchHost, cleanPingBenchHost } from './ping-bench-host.js';

const name = 'ping-after-create';
/** How long an instance gets to answer; a TCG guest boots a kernel first. */
const answerWithinMs: Record<BootKind, number> = { container: 60_000, vm: 120_000 };

type Json = Record<string, unknown>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One ping from the network's DHCP namespace (an address on the subnet the instance is on). */
async function answers(from: string, ip: string): Promise<boolean> {
  if (!(await netnsExists(from))) return false;
  return runCommand('ip', ['netns', 'exec', from, '/bin/busybox', 'ping', '-c', '1', '-W', '1', ip], {
    timeoutMs: 3_000,
  }).then(
    () => true,
    () => false,
  );
}

async function fixedIpOf(c: BenchCloud, h: PingBenchHost, serverId: string): Promise<string | undefined> {
  const reply = await c.http.expect(200, {
    method: 'GET',
    url: `${c.publicUrl}/network/v2.0/ports?device_id=${serverId}`,
    headers: { 'x-auth-token': h.token },
  });
  const port = (JSON.parse(reply.body) as { ports: Json[] }).ports[0];
  const ips = (port?.['fixed_ips'] as Json[] | undefined) ?? [];
  return ips[0] === undefined ? undefined : String(ips[0]['ip_address']);
}

/** Creates one server and times create request to first ping answered; deletes it after. */
async function sample(
  c: BenchCloud,
  h: PingBenchHost,
  kind: BootKind,
  label: string,
): Promise<number | undefined> {
  const url = `${c.publicUrl}/compute/v2.1/servers`;
  const headers = { 'x-auth-token': h.token };
  const server = {
    name: label,
    imageRef: h.imageIds[kind],
    flavorRef: h.flavorIds[kind],
    networks: [{ uuid: h.networkId }],
    security_groups: [{ name: h.securityGroup }],
  };
  const t0 = performance.now();
  const reply = await c.http.expect(202, { method: 'POST', url, headers, json: { server } });
  const id = String((JSON.parse(reply.body) as { server: Json }).server['id']);
  try {
    const from = h.dataplane.dhcpNetnsOf(h.networkId);
    let ip: string | undefined;
    while (performance.now() - t0 < answerWithinMs[kind]) {
      ip ??= await fixedIpOf(c, h, id);
      if (ip !== undefined && (await answers(from, ip))) return performance.now() - t0;
      await sleep(50);
    }
    return undefined;
  } finally {
    await c.http.expect(204, { method: 'DELETE', url: `${url}/${id}`, headers });
    for (let i = 0; i < 600; i++) {
      const r = await c.http.request({ method: 'GET', url: `${url}/${id}`, headers });
      if (r.status === 404) break;
      await sleep(100);
    }
  }
}

async function measureKind(
  c: BenchCloud,
  h: PingBenchHost,
  kind: BootKind,
  n: number,
  progress: BenchProgress,
) {
  progress(`${name}: ${n} ${kind}s, each created, pinged from the DHCP namespace, deleted`);
  const times: number[] = [];
  let silent = 0;
  for (let i = 0; i < n; i++) {
    const ms = await sample(c, h, kind, `bench-ping-${kind}-${i}`);
    if (ms === undefined) silent++;
    else times.push(ms);
  }
  return { times, silent };
}

function kindMetrics(kind: BootKind, r: { times: number[]; silent: number }): BenchMetric[] {
  if (r.times.length === 0) return [];
  const s = summarize(r.times);
  return [
    { name: `${kind}: server create to ping answered p50 (n=${s.n})`, value: s.p50, unit: 'ms' },
    { name: `${kind}: server create to ping answered max`, value: s.max, unit: 'ms' },
  ];
}

async function run(opts: BenchOptions, kinds: BootKind[], progress: BenchProgress): Promise<BenchResult> {
  const tag = benchTag();
  const base = await mkdtemp(join(tmpdir(), 'strata-bench-ping-'));
  const netns = `sbpg-${tag}`;
  let host: PingBenchHost | undefined;
  try {
    return await withBenchNetns(netns, () =>
      withBenchCloud(
        4,
        async (c) => {
          try {
            host = await addPingBenchHost(c, kinds, { tag, netns, base });
            const metrics: BenchMetric[] = [];
            const notes: string[] = [];
            for (const kind of kinds) {
              const r = await measureKind(c, host, kind, opts.pingSamples, progress);
              metrics.push(...kindMetrics(kind, r));
              if (r.silent > 0)
                notes.push(
                  `${kind}: ${r.silent} of ${opts.pingSamples} never answered within ${answerWithinMs[kind] / 1000} s`,
                );
            }
            if (kinds.includes('vm')) notes.push(`vm: accelerator ${await acceleratorOf(c, host.hostname)}`);
            return { name, metrics, notes };
          } finally {
            await cleanPingBenchHost(c, host, { netns, base });
          }
        },
        { computeDriver: 'none' },
      ),
    );
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

/** The accelerator the host's QEMU driver reported at registration (TCG when there is no KVM). */
async function acceleratorOf(c: BenchCloud, hostname: string): Promise<string> {
  const row = await c.cloud.store.db
    .selectFrom('compute_hosts')
    .select('facts')
    .where('hostname', '=', hostname)
    .executeTakeFirst();
  const facts = JSON.parse(row?.facts ?? '{}') as Json;
  return String(((facts['qemu'] ?? facts) as Json)['accelerator'] ?? 'unknown');
}

/**
 * Through the API on the linux dataplane: a host (an agent in the bench process, its bridges
 * and NIC host ends in a namespace of the benchmark's own, DHCP served) and for each kind the
 * time from `POST /servers` with `networks` to the instance answering a ping from the
 * network's DHCP namespace. Kinds whose driver cannot run here are left out and named.
 */
export const pingAfterCreateBench: Benchmark = {
  name,
  description:
    'linux dataplane via the API: server create --network to the instance answering ping (runc, qemu)',
  run: async (opts, progress): Promise<BenchResult> => {
    const missing = kernelBenchMissing(['dnsmasq']);
    if (missing !== undefined) return skippedResult(name, missing);
    const kinds = (['container', 'vm'] as const).filter((k) => kindMissing(k) === undefined);
    if (kinds.length === 0) return skippedResult(name, `${kindMissing('container')}; ${kindMissing('vm')}`);
    const r = await run(opts, kinds, progress);
    const left = (['container', 'vm'] as const).filter((k) => !kinds.includes(k));
    return { ...r, notes: [...(r.notes ?? []), ...left.map((k) => `${k}: skipped, ${kindMissing(k)}`)] };
  },
};
