import { hostname } from 'node:os';
import { drivers } from '../agent/drivers/registry.js';
import { testImageNames } from '../agent/test-images/test-image-set.js';
import { registerTestImages } from '../image/test-image-registration.js';
import { createTokenValidator } from '../identity/index.js';
import type { BenchCloud } from './bench-cloud.js';

/** The kinds of real workload the benchmarks boot, and the driver that runs each. */
export type BootKind = 'vm' | 'container';
export const driverOf = { vm: 'qemu', container: 'runc' } as const satisfies Record<BootKind, string>;

/** What each test image prints on its console once its init runs (src/agent/test-images). */
export const bootMarkers = {
  vm: 'STRATA-TEST-VM: booted',
  container: 'STRATA-TEST-CONTAINER: booted',
} as const satisfies Record<BootKind, string>;

/**
 * DevStack's m1.tiny for VMs; 128 MB for containers. The container flavor keeps a 1 GB root
 * disk: with disk 0 the scheduler claims DISK_GB 0, which placement refuses, and the
 * server stays in BUILD/scheduling for good.
 */
export const benchFlavors = {
  vm: { name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1 },
  container: { name: 'bench.container', vcpus: 1, ram: 128, disk: 1 },
} as const satisfies Record<BootKind, { name: string; vcpus: number; ram: number; disk: number }>;

/** What the workload benchmarks boot with, made over HTTP the way an operator would. */
export interface WorkloadSetup {
  /** http://127.0.0.1:<port>/compute/v2.1 */
  readonly computeUrl: string;
  /** Admin token, project-scoped to `admin`. */
  readonly token: string;
  /** Only the kinds set up; cleanup needs neither, only the URL and the token. */
  readonly imageIds: Readonly<Partial<Record<BootKind, string>>>;
  readonly flavorIds: Readonly<Partial<Record<BootKind, string>>>;
}

/** Thrown while setting up when something this machine lacks makes the benchmark meaningless. */
export class BenchSkip extends Error {}

/** Why this machine cannot run the driver of `kind`, or undefined when it can. */
export function kindMissing(kind: BootKind): string | undefined {
  const why = drivers[driverOf[kind]].missing();
  return why === undefined ? undefined : `${driverOf[kind]} driver cannot run here (${why})`;
}

type Json = Record<string, unknown>;
const parse = (body: string) => JSON.parse(body) as Json;

async function createFlavor(c: BenchCloud, s: Pick<WorkloadSetup, 'computeUrl' | 'token'>, kind: BootKind) {
  const reply = await c.http.expect(200, {
    method: 'POST',
    url: `${s.computeUrl}/flavors`,
    headers: { 'x-auth-token': s.token },
    json: { flavor: benchFlavors[kind] },
  });
  return String((parse(reply.body)['flavor'] as Json)['id']);
}

/** The id of the registered test image of `kind`, looked up by name over the image API. */
export async function testImageId(c: BenchCloud, token: string, kind: BootKind): Promise<string> {
  const name = testImageNames[kind];
  const reply = await c.http.expect(200, {
    method: 'GET',
    url: `${c.publicUrl}/image/v2/images?name=${name}`,
    headers: { 'x-auth-token': token },
  });
  const image = (parse(reply.body)['images'] as Json[]).find((i) => i['status'] === 'active');
  if (image === undefined)
    throw new BenchSkip(`test image ${name} could not be built here (see ${c.dataDir}/strata.log)`);
  return String(image['id']);
}

/**
 * Raises the local host's VCPU allocation ratio (PUT placement inventory, as an operator
 * sets Nova's cpu_allocation_ratio) so `servers` one-vCPU servers fit at once; Nova's
 * default of 4 gives a 2-core machine room for 8. The ratio is never lowered.
 */
async function makeRoomForVcpus(c: BenchCloud, token: string, servers: number): Promise<void> {
  const headers = { 'x-auth-token': token };
  const base = `${c.publicUrl}/placement/resource_providers`;
  const list = await c.http.expect(200, { method: 'GET', url: base, headers });
  const host = (parse(list.body)['resource_providers'] as Json[]).find((p) => p['name'] === hostname());
  if (host === undefined) throw new Error(`no resource provider named ${hostname()}`);
  const url = `${base}/${String(host['uuid'])}/inventories/VCPU`;
  const vcpu = parse((await c.http.expect(200, { method: 'GET', url, headers })).body);
  const total = Number(vcpu['total']) - Number(vcpu['reserved']);
  const ratio = Math.max(Number(vcpu['allocation_ratio']), Math.ceil((servers + 2) / total));
  if (ratio === Number(vcpu['allocation_ratio'])) return;
  await c.http.expect(200, { method: 'PUT', url, headers, json: { ...vcpu, allocation_ratio: ratio } });
}

/**
 * The test images of `kinds` (built once per machine, registered in-process as `strata up`
 * does), the two flavors, quotas for `servers` servers, and VCPU room for them.
 */
export async function prepareWorkloads(
  c: BenchCloud,
  kinds: ReadonlyArray<BootKind>,
  servers: number,
): Promise<WorkloadSetup> {
  const token = await c.issueAdminToken();
  const auth = await createTokenValidator(c.cloud.identity).validate(token);
  if (auth.projectId === undefined) throw new Error('the admin token has no project scope');
  await registerTestImages(c.cloud, auth.projectId, kinds);
  const computeUrl = `${c.publicUrl}/compute/v2.1`;
  const imageIds: Partial<Record<BootKind, string>> = {};
  for (const kind of kinds) imageIds[kind] = await testImageId(c, token, kind);
  const flavorIds = {
    vm: await createFlavor(c, { computeUrl, token }, 'vm'),
    container: await createFlavor(c, { computeUrl, token }, 'container'),
  };
  const room = servers * 2;
  await c.http.expect(200, {
    method: 'PUT',
    url: `${computeUrl}/os-quota-sets/${auth.projectId}`,
    headers: { 'x-auth-token': token },
    json: { quota_set: { instances: room, cores: room, ram: room * benchFlavors.vm.ram } },
  });
  await makeRoomForVcpus(c, token, servers);
  return { computeUrl, token, imageIds, flavorIds };
}

/** The accelerator the local host's QEMU driver reported at registration (compute_hosts.facts). */
export async function hostAccelerator(
  c: BenchCloud,
): Promise<{ accelerator: string; reason: string; qemuVersion: string }> {
  const row = await c.cloud.store.db
    .selectFrom('compute_hosts')
    .select('facts')
    .where('hostname', '=', hostname())
    .executeTakeFirst();
  const facts = JSON.parse(row?.facts ?? '{}') as Json;
  // A host running several drivers nests each driver's details under its name.
  const qemu = (facts['qemu'] ?? facts) as Json;
  return {
    accelerator: String(qemu['accelerator'] ?? 'unknown'),
    reason: String(qemu['acceleratorReason'] ?? 'not reported'),
    qemuVersion: String(qemu['qemuVersion'] ?? 'unknown'),
  };
}
