import { join } from 'node:path';
import { runCommand } from '../agent/host/command.js';
import { createTokenValidator } from '../identity/index.js';
import type { BenchCloud } from './bench-cloud.js';
import { VolumeBenchClient } from './volume-bench-client.js';

/** A client for the admin project's volumes, with quota for `room` volumes and gigabytes. */
export async function volumeClient(c: BenchCloud, room: number): Promise<VolumeBenchClient> {
  const token = await c.issueAdminToken();
  const auth = await createTokenValidator(c.cloud.identity).validate(token);
  if (auth.projectId === undefined) throw new Error('the admin token has no project scope');
  const client = new VolumeBenchClient(c, auth.projectId, token);
  await c.http.expect(200, {
    method: 'PUT',
    url: `${c.publicUrl}/volume/v3/${auth.projectId}/os-quota-sets/${auth.projectId}`,
    headers: { 'x-auth-token': token },
    json: { quota_set: { volumes: room, gigabytes: room * 4, snapshots: room } },
  });
  return client;
}

/**
 * An active raw image of `mib` MiB registered in-process, every byte written (a pattern,
 * so neither qemu-img nor the file system can skip zeroes): copying it is real work.
 */
export async function fullImage(c: BenchCloud, projectId: string, mib: number): Promise<string> {
  const file = join(c.dataDir, 'bench-image.raw');
  await runCommand('qemu-img', ['create', '-q', '-f', 'raw', file, `${mib}M`]);
  await runCommand('qemu-io', ['-f', 'raw', '-c', `write -P 0x5a 0 ${mib}M`, file], { timeoutMs: 300_000 });
  const image = await c.cloud.images.createImage(
    { projectId },
    { name: 'bench-volume-image', diskFormat: 'raw', containerFormat: 'bare' },
  );
  await c.cloud.images.uploadImageData(image.id, { localPath: file });
  return image.id;
}

/** The volume size (GiB) that holds `mib` MiB. */
export const gibFor = (mib: number) => Math.max(1, Math.ceil(mib / 1024));
