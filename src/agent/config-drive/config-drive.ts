import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { WorkloadSpec } from '../drivers/driver.js';
import { runCommand } from '../host/command.js';
import { networkData } from './network-data.js';

/** The volume label cloud-init and other guests look for. */
export const configDriveLabel = 'config-2';

/**
 * The files of an OpenStack config drive for one workload, by path inside the drive:
 * `openstack/latest/meta_data.json`, `user_data` (decoded), `network_data.json` and
 * `vendor_data.json`, the same under the dated version guests also probe.
 */
export function configDriveFiles(spec: WorkloadSpec): Map<string, Buffer> {
  const keys = spec.keyData
    ? [{ name: spec.keyName ?? 'key', type: keyType(spec.keyData), data: spec.keyData }]
    : [];
  const meta = {
    uuid: spec.workloadId,
    name: spec.name,
    hostname: spec.hostname,
    launch_index: spec.launchIndex,
    availability_zone: spec.availabilityZone,
    project_id: spec.projectId,
    meta: spec.metadata,
    public_keys: Object.fromEntries(keys.map((k) => [k.name, k.data])),
    keys,
    devices: [],
  };
  const docs: Record<string, Buffer> = {
    'meta_data.json': json(meta),
    'network_data.json': json(networkData(spec.nics)),
    'vendor_data.json': json({}),
    'vendor_data2.json': json({}),
  };
  if (spec.userData !== null) docs['user_data'] = Buffer.from(spec.userData, 'base64');
  const files = new Map<string, Buffer>();
  for (const version of ['latest', '2018-08-27']) {
    for (const [name, body] of Object.entries(docs)) files.set(`openstack/${version}/${name}`, body);
  }
  return files;
}

/** Writes the config drive's files under `dir` (the runc driver mounts this read-only). */
export async function writeConfigDriveTree(spec: WorkloadSpec, dir: string): Promise<void> {
  for (const [path, body] of configDriveFiles(spec)) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, body);
  }
}

/** Builds the config drive as an ISO 9660 image labelled `config-2` (the qemu driver attaches it). */
export async function buildConfigDriveIso(
  spec: WorkloadSpec,
  isoPath: string,
  signal?: AbortSignal,
): Promise<void> {
  const staging = await mkdtemp(join(tmpdir(), 'strata-config-drive-'));
  try {
    await writeConfigDriveTree(spec, staging);
    await runCommand(
      'xorriso',
      ['-as', 'mkisofs', '-quiet', '-V', configDriveLabel, '-J', '-R', '-o', isoPath, staging],
      { ...(signal && { signal }), timeoutMs: 30_000 },
    );
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function keyType(data: string): string {
  return data.startsWith('ssh-') || data.startsWith('ecdsa-') ? 'ssh' : 'x509';
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
